"""Fit plasticity rules to recorded data: BTSP from CA1 place-field inductions.

``data`` reads and checks the two formats, ``synthetic`` makes recordings
with known parameters, ``objective`` (per induction) and ``pooled`` compare
model and data, ``evaluation`` runs a population of candidates as batched
compiled runs through the sweep executors, ``fit`` drives the differential
evolution, the checkpoints and the bootstrap, ``report`` writes the results.
"""
