"""Parameters of the study (docs/multilayer-study.md), tagged.

Nothing here is published: every value is [R], chosen a priori in the
design document or selected there on validation data (``selection``).
"""

from ...parameters import values_of

#: name -> (value, tag, reason)
TABLE = {
    "digits_sizes": ((64, 64, 10), "R", "design: one hidden layer of 64 logistic units (docs/multilayer-study.md)"),
    "xor_sizes": ((2, 32, 2), "R", "design: one hidden layer of 32 logistic units"),
    "epochs": (20, "R", "design: the issue's 20 epochs (--quick: 10)"),
    "seeds": ((0, 1, 2, 3, 4), "R", "design: 5 final seeds (--quick: 0, 1); selection used 100-102"),
    "decay": (0.002, "R", "design: weight decay of every method (Kolen-Pollack alignment needs one)"),
    "xor_spread": (0.35, "R", "design: SD of the XOR clouds"),
}
VALUES = values_of(TABLE)
