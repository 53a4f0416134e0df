"""Parameters of the study (docs/multilayer-study.md), tagged.

Nothing here is published: every value is [R], chosen a priori in the
design document or selected there on validation data (``selection``).
"""

from ...parameters import values_of

#: name -> (value, tag, reason)
TABLE = {
    "digits_sizes": ((64, 64, 10), "R", "design: one hidden layer of 64 logistic units (docs/multilayer-study.md)"),
    "deep_sizes": ((64, 64, 64, 10), "R", "fig3: two hidden layers of 64, registered after the one-layer results"),
    "xor_sizes": ((20, 32, 2), "R", "design: one hidden layer of 32 logistic units; XOR round 2: 10 tuning curves "
                                    "per coordinate (round 1, two rates, was not learned by any method)"),
    "xor_tuning": (10, "R", "XOR round 2: Gaussian tuning curves per coordinate, width 0.4, centres over [-2, 2]"),
    "epochs": (20, "R", "design: 20 epochs, as registered (--quick: 10)"),
    "seeds": ((0, 1, 2, 3, 4), "R", "design: 5 final seeds (--quick: 0, 1); selection used 100-102"),
    "decay": (0.002, "R", "design: weight decay of every method (Kolen-Pollack alignment needs one)"),
    "xor_spread": (0.35, "R", "design: SD of the XOR clouds"),
    "eta": (0.05, "R", "selected by backprop's validation accuracy from {0.02, 0.05, 0.1, 0.2} (selection step 1)"),
    "theta_plateau": (0.02, "R", "selected with eta_plateau by the plateau-gated rule on validation (round 2, step 2)"),
    "eta_plateau": (0.2, "R", "selected with theta_plateau (round 2, step 2); the grid's largest value"),
    "ungated_eta_plateau": (0.2, "R", "the ablation's own selection (round 2, step 3); the grid's largest value"),
    # Continual learning (docs/continual-study.md): fixed design, then selection on validation tasks.
    "task_groups": (((0, 1), (2, 3), (4, 5), (6, 7), (8, 9)), "R", "design: split digits, five tasks of two classes"),
    "context_fraction": (0.2, "R", "design: P(a hidden neuron receives a task's context); 80% gated off per task, "
                                   "the value Masse et al. 2018 found best; not tuned"),
    "continual_eta": (0.2, "R", "selected by backprop's task-incremental validation score from "
                                "{0.02, 0.05, 0.1, 0.2, 0.5, 1} (continual step 1); used by every method"),
    "continual_eta_plateau": ({"plateau_context": 0.5, "plateau": 1.0, "plateau_ungated": 1.0}, "R",
                              "each plateau method's own choice from the same grid (continual step 2); "
                              "1.0 is the grid's largest value"),
    # Few-shot round 2 (docs/continual-study.md): per k, backprop's eta, then each plateau method's eta_plateau.
    "few_shot_eta": ({1: 0.2, 5: 0.05, 10: 0.5}, "R", "backprop's best on validation per k from "
                     "{0.05, 0.1, 0.2, 0.5, 1, 2, 5} (k = 5: the grid's smallest); every method's output-layer eta"),
    "few_shot_eta_plateau": ({1: {"plateau_context": 0.5, "plateau": 0.2, "plateau_ungated": 0.2},
                              5: {"plateau_context": 0.1, "plateau": 0.05, "plateau_ungated": 0.05},
                              10: {"plateau_context": 0.1, "plateau": 0.5, "plateau_ungated": 0.5}}, "R",
                             "each plateau method's own best on validation per k (k = 5: 0.05 is the grid's smallest)"),
}
VALUES = values_of(TABLE)
