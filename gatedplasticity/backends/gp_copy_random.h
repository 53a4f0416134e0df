// One random generator per copy of a network (gatedplasticity.backends.copy_random).
// Included outside Brian2's per-file anonymous namespace: the inline functions, and so the
// generators held by gp_copy_generators(), are one and the same in every compiled file.
#ifndef GP_COPY_RANDOM_H
#define GP_COPY_RANDOM_H
#include <cstddef>
#include <random>
#include <vector>

inline std::vector<std::mt19937_64>& gp_copy_generators() {
    static std::vector<std::mt19937_64> generators;
    return generators;
}

inline double gp_seed_copy(int copy, double seed) {
    std::vector<std::mt19937_64>& generators = gp_copy_generators();
    if ((std::size_t)copy >= generators.size()) generators.resize(copy + 1);
    generators[copy].seed((unsigned long long)seed);
    return seed;
}

// A uniform number in [0, 1) with 53 random bits.
inline double gp_copy_rand(int copy) {
    return (gp_copy_generators()[copy]() >> 11) * (1.0 / 9007199254740992.0);
}
#endif
