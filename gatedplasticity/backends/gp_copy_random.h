// One random generator per copy of a network (gatedplasticity.backends.copy_random).
// Included outside Brian2's per-file anonymous namespace: the inline functions, and so the
// streams held by gp_copy_streams(), are one and the same in every compiled file.
#ifndef GP_COPY_RANDOM_H
#define GP_COPY_RANDOM_H
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

// xoshiro256** (Blackman & Vigna 2018): 32 bytes of state per copy, about 1 ns per 64-bit number; its
// state is filled from the seed by splitmix64, as its authors recommend.
struct GpXoshiro {
    std::uint64_t s[4];
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    void seed(std::uint64_t value) {
        for (int k = 0; k < 4; ++k) {
            std::uint64_t z = (value += 0x9E3779B97F4A7C15ULL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
            s[k] = z ^ (z >> 31);
        }
    }
    std::uint64_t operator()() {
        const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
        const std::uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return result;
    }
};

// The 53 high bits of a 64-bit draw as a number in [0, 1).
inline double gp_unit(std::uint64_t bits) {
    return (bits >> 11) * (1.0 / 9007199254740992.0);
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

// A standard normal number from ``generator``: most draws take one 64-bit number and a comparison; the
// wedges and the tail (about 1.5% of draws) take a few more.
inline double gp_normal(GpXoshiro& generator, const GpZiggurat& z) {
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

// One copy's stream: its generator and blocks of its next uniform and normal numbers. Each block is
// drawn in a tight loop (the generator's state stays in registers) and handed out in order, so a draw
// inside generated code is a read; the numbers depend only on the seed and on the order of the calls.
struct GpCopyStream {
    static constexpr int block = 256;
    GpXoshiro generator;
    double uniform[block];
    double normal[block];
    int next_uniform = block;
    int next_normal = block;
    void seed(std::uint64_t value) {
        generator.seed(value);
        next_uniform = next_normal = block;
    }
    void refill_uniform() {
        GpXoshiro local = generator;
        for (int k = 0; k < block; ++k) uniform[k] = gp_unit(local());
        generator = local;
        next_uniform = 0;
    }
    void refill_normal() {
        const GpZiggurat& z = gp_ziggurat();
        GpXoshiro local = generator;
        for (int k = 0; k < block; ++k) normal[k] = gp_normal(local, z);
        generator = local;
        next_normal = 0;
    }
};

inline std::vector<GpCopyStream>& gp_copy_streams() {
    static std::vector<GpCopyStream> streams;
    return streams;
}

inline double gp_seed_copy(int copy, double seed) {
    std::vector<GpCopyStream>& streams = gp_copy_streams();
    if ((std::size_t)copy >= streams.size()) streams.resize(copy + 1);
    streams[copy].seed((std::uint64_t)seed);
    return seed;
}

inline double gp_copy_rand(int copy) {
    GpCopyStream& stream = gp_copy_streams()[copy];
    if (stream.next_uniform == GpCopyStream::block) stream.refill_uniform();
    return stream.uniform[stream.next_uniform++];
}

// A standard normal number from the stream of copy ``copy``.
inline double gp_copy_randn(int copy) {
    GpCopyStream& stream = gp_copy_streams()[copy];
    if (stream.next_normal == GpCopyStream::block) stream.refill_normal();
    return stream.normal[stream.next_normal++];
}
#endif
