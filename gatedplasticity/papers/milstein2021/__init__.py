"""Milstein et al. 2021, eLife 10:e73046: BTSP, plateau-driven one-shot place fields.

``parameters`` (tagged), ``fields`` (ramps and field metrics of the track runs), figures 1-3.
"""
