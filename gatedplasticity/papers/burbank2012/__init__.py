"""Burbank & Kreiman 2012, PLoS Comput Biol 8:e1002393: reverse vs classical STDP at top-down synapses.

``parameters`` (Table 1, tagged), ``training`` (the IF network with Table 1),
``reconstruction`` (Fig 8 probe), ``sweeps`` (stdp-drift, burbank-if), figures 1-8.
"""
