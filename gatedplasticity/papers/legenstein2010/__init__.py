"""Legenstein, Chase, Schwartz & Maass 2010, J Neurosci 30:8400: the EH rule in a closed-loop BCI.

``parameters`` (tagged), ``experiment`` (the batched Control/Perturbation/Washout
experiment and its summaries), ``sweeps`` (bci-perturbation), figures 3-9.
"""
