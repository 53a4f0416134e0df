"""Closed-loop 3-D BCI cursor task (Legenstein, Chase, Schwartz & Maass 2010).

``task``: circuits, decoder, calibration, perturbation, targets, sessions
(:class:`Block`) and the NumPy cursor task; ``environments``: the compiled
and the callback loop; ``loop``: :func:`run_blocks`, which plays sessions
back to back and returns a :class:`LoopRecord`.
"""

from .environments import FILTER_RESETS, RECORDED, STAGES, CallbackEnvironment, CompiledEnvironment
from .loop import LoopRecord, run_blocks, weights_by_run
from .task import (DIMENSIONS, FILTER_KEEP, MAX_STEPS, SPEED, STEP, TOLERANCE, Block, Circuit, CursorTask, Perturbation,
                   PopulationVectorDecoder, calibrate, circuit, random_targets, rotation, rotation_matrices)

__all__ = ["FILTER_RESETS", "RECORDED", "STAGES", "CallbackEnvironment", "CompiledEnvironment", "LoopRecord", "run_blocks",
           "weights_by_run", "DIMENSIONS", "FILTER_KEEP", "MAX_STEPS", "SPEED", "STEP", "TOLERANCE", "Block", "Circuit",
           "CursorTask", "Perturbation", "PopulationVectorDecoder", "calibrate", "circuit", "random_targets", "rotation",
           "rotation_matrices"]
