// One random generator per copy of a network (gatedplasticity.backends.copy_random).
// Included outside Brian2's per-file anonymous namespace: the inline functions, and so the
// generators held by gp_copy_generators(), are one and the same in every compiled file.
#ifndef GP_COPY_RANDOM_H
#define GP_COPY_RANDOM_H
#include <cmath>
#include <cstddef>
#include <cstdint>
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

// The 53 high bits of a 64-bit draw as a number in [0, 1).
inline double gp_unit(std::uint64_t bits) {
    return (bits >> 11) * (1.0 / 9007199254740992.0);
}

inline double gp_copy_rand(int copy) {
    return gp_unit(gp_copy_generators()[copy]());
}

// Ziggurat of the standard normal density with 128 layers of equal area (Marsaglia & Tsang 2000,
// with the layer taken from bits that the uniform does not use, as Doornik 2005 recommends).
// x[k] is the right edge of layer k (x[0]: the base layer's width V / f(R)), ratio[k] = x[k+1] / x[k].
struct GpZiggurat {
    static constexpr int layers = 128;
    static constexpr double tail_start = 3.442619855899;         // R: where the tail begins
    static constexpr double layer_area = 9.91256303526217e-3;    // V: the area of each layer
    double x[layers + 1];
    double ratio[layers];
    GpZiggurat() {
        double density = std::exp(-0.5 * tail_start * tail_start);
        x[0] = layer_area / density;
        x[1] = tail_start;
        x[layers] = 0.0;
        for (int k = 2; k < layers; ++k) {
            x[k] = std::sqrt(-2.0 * std::log(layer_area / x[k - 1] + density));
            density = std::exp(-0.5 * x[k] * x[k]);
        }
        for (int k = 0; k < layers; ++k) ratio[k] = x[k + 1] / x[k];
    }
};

inline const GpZiggurat& gp_ziggurat() {
    static const GpZiggurat ziggurat;
    return ziggurat;
}

// A standard normal number from the generator of copy ``copy``: most draws take one 64-bit number
// and a comparison; the wedges and the tail (about 1.5% of draws) take a few more.
inline double gp_copy_randn(int copy) {
    std::mt19937_64& generator = gp_copy_generators()[copy];
    const GpZiggurat& z = gp_ziggurat();
    for (;;) {
        const std::uint64_t bits = generator();
        const double u = 2.0 * gp_unit(bits) - 1.0;
        const int layer = (int)(bits & 0x7F);
        if (std::fabs(u) < z.ratio[layer]) return u * z.x[layer];
        if (layer == 0) {  // the tail beyond R (Marsaglia 1964)
            double a, b;
            do {
                a = std::log(1.0 - gp_unit(generator())) / GpZiggurat::tail_start;
                b = std::log(1.0 - gp_unit(generator()));
            } while (-2.0 * b < a * a);
            return u < 0 ? a - GpZiggurat::tail_start : GpZiggurat::tail_start - a;
        }
        const double x = u * z.x[layer];  // a wedge: accept under the density
        const double upper = std::exp(-0.5 * (z.x[layer] * z.x[layer] - x * x));
        const double lower = std::exp(-0.5 * (z.x[layer + 1] * z.x[layer + 1] - x * x));
        if (lower + gp_unit(generator()) * (upper - lower) < 1.0) return x;
    }
}
#endif
