"""Seeds of a standalone program set per run: ``run_seed`` (a run_args value) re-seeds Brian2's C++ generators at t = 0."""

from brian2 import check_units, implementation, second

@implementation("cpp", """
double reseed(double seed) {
    for (size_t i = 0; i < brian::_random_generators.size(); i++)
        brian::_random_generators[i].seed((unsigned long)seed + i);
    return seed;
}
""")
@check_units(seed=1, result=1)
def reseed(seed):
    """Re-seed the standalone random generators (C++ only)."""
    raise NotImplementedError("reseed works in C++ standalone only")


#: Equations a group needs for :func:`seeded`.
SEEDER = """
run_seed : 1 (shared, constant)
used_seed : 1 (shared)
"""


def seeded(group):
    """Give a standalone ``group`` a ``run_seed`` (set it with run_args) that re-seeds Brian2's
    random generators at t = 0, before anything else runs. The group needs
    the :data:`SEEDER` equations (``run_seed``, ``used_seed``). Returns the
    ``run_regularly`` object, which must be part of the network."""
    group.namespace["reseed"] = reseed
    return group.run_regularly("used_seed = reseed(run_seed)", dt=1e9 * second, when="start", order=-1000,
                               name=f"{group.name}_reseed")
