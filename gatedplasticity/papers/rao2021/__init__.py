"""Rao, Legenstein, Subramoney & Maass 2021: Ca2+-spike-gated dendritic logistic regression.

``parameters`` (tagged), ``training`` (the batched DLR learners of Figs 2-4), figures 2-4.
"""
