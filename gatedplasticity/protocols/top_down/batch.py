"""Many networks trained in one compiled program: B copies, each a network of its own, refilled as runs end.

``train_many(runs, copies)`` opens one ``backends.Program`` of B copies
(``Structure(gaussian="copy")``: each copy draws its own normal numbers) and
gives every copy a :class:`.NetworkRun`: its own parameters (alpha, tau_syn,
tau_stdp, noise S, sigmas, Q, C, W0, seeds), state and inputs. After each
chunk every run takes its copy's outputs and is classified on its own
(``NetworkRun.record``); a finished run hands its copy to the next run
waiting, so the copies stay busy until the queue is empty (copies left
without a run repeat another's values, and their outputs are dropped).
A run's history is the same as alone in a one-copy program: its copy draws
from its own chunk seeds, and nothing crosses between copies.

The structure (rule, delay, trial options, sizes) is shared by all runs
of one program, and tau_syn, tau_stdp and the plasticity's values (alpha,
mu, bounds) by all copies of one program run (``ONE_PER_RUN``: decays
are then computed once per step, not once per neuron, and a synaptic event
reads no per-synapse parameter); :func:`group_by_program` splits a
landscape accordingly. Copies share no per-step overhead worth batching in
this network (``benchmarks/rstdp_landscape.py``), so small groups cost little.
"""

import time
from collections import defaultdict

from tqdm import tqdm

from ...parameters import ParameterError
from ..validation import positive_int
from .runner import program as network_program, run_copies
from .structure import OWNER


#: Parameters every copy of one program run shares: the decays (``models.lif.ONE_FOR_ALL`` in the paper's names)
#: and the plasticity's values (the rules' shared variables; homeostasis and Q's rule included).
ONE_PER_RUN = ("tau_syn", "tau_stdp", "alpha", "mu", "w_bound", "gamma", "target_rate", "zeta", "alpha_q")


def program_key(run):
    """What the runs trained together in one program share: the structure and the ``ONE_PER_RUN`` values
    (plain numbers, SI)."""
    return (run.structure, *(float(getattr(run.params, name)) for name in ONE_PER_RUN))


def group_by_program(runs):
    """{program key: [(index, run)]} of ``runs``: each group can be trained by one :func:`train_many`."""
    groups = defaultdict(list)
    for index, run in enumerate(runs):
        groups[program_key(run)].append((index, run))
    return dict(groups)


def train_many(runs, copies, backend="standalone", program=None, on_finish=None, progress=True):
    """Train every :class:`.NetworkRun` of ``runs`` (one :func:`program_key`, ``gaussian="copy"``) in one
    program of ``copies`` copies; returns {index in runs: Training}.

    ``on_finish(index, training)`` is called as each run ends (e.g. to write its row atomically).
    ``program``: an open Program of that structure and copies to reuse.
    """
    copies = positive_int("copies", copies, OWNER)
    runs = list(runs)
    if not runs:
        return {}
    keys = {program_key(run) for run in runs}
    if len(keys) > 1:
        raise ParameterError("runs", f"{OWNER}: the runs of one program share the structure and "
                                     f"{', '.join(ONE_PER_RUN)}; got {len(keys)} combinations (split them with "
                                     "group_by_program)")
    structure = runs[0].structure
    if structure.gaussian != "copy":
        raise ParameterError("gaussian", f"{OWNER}: copies in one program need Structure(gaussian='copy')")
    waiting = [(index, run) for index, run in enumerate(runs)]
    results = {}
    for index, run in [item for item in waiting if item[1].finished]:  # resumed at their verdict
        results[index] = _finish(index, run, on_finish)
    waiting = [item for item in waiting if not item[1].finished]
    reuse = program is not None and program.structure == structure and program.copies == copies
    runner = program if reuse else None
    slots = [None] * copies
    bar = tqdm(total=len(runs), initial=len(results), desc=f"{structure.rule} x{copies}", unit="run",
               disable=not progress, leave=False)
    try:
        while waiting or any(slots):
            for k in range(copies):
                if slots[k] is None and waiting:
                    slots[k] = waiting.pop(0)
            runner = runner or network_program(structure, backend, copies=copies).open()
            busy = [k for k, slot in enumerate(slots) if slot is not None]
            chunks = {k: slots[k][1].next_chunk() for k in busy}
            source = [k if k in chunks else busy[0] for k in range(copies)]  # an empty copy repeats a busy one
            started = time.perf_counter()
            states, outputs = run_copies(runner, [chunks[k][0] for k in source], [chunks[k][1] for k in source],
                                         [slots[k][1].params for k in source], [chunks[k][2] for k in source])
            share = (time.perf_counter() - started) / len(busy)
            for k, slot in enumerate(slots):
                if slot is None:
                    continue
                index, run = slot
                run.record(states[k], outputs[k], share)
                if run.finished:
                    results[index] = _finish(index, run, on_finish)
                    slots[k] = None
                    bar.update()
    finally:
        bar.close()
        if runner is not None and not reuse:
            runner.close()
    return results


def _finish(index, run, on_finish):
    training = run.result()
    if on_finish is not None:
        on_finish(index, training)
    return training
