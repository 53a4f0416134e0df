"""The package's own study: top-down gating across layers (dendrite-gated credit assignment vs backprop).

Not a reproduction of one paper: the question of the grant behind the
source papers, asked with their building blocks. Anchors: Sacramento et al.
2018 (dendritic microcircuits), Galloni et al. 2025 (EIANN), Guerguiev et
al. 2017 (segregated dendrites), Payeur et al. 2021 (burstprop), Lillicrap
et al. 2016 (feedback alignment), Akrout et al. 2019 (Kolen-Pollack), and
Milstein et al. 2021 (BTSP). Design and selection: docs/multilayer-study.md.
"""
