"""Multi-layer rate networks whose hidden layers learn from top-down signals at their apical dendrites.

``tasks`` (digits, XOR clouds, validation splits), ``network`` (the groups
and stages of one method's network, methods, initial weights), ``training``
(the schedule and the compiled run of every method and block), ``reference``
(the same in NumPy, and backpropagation), ``continual`` (tasks learnt one
after another, few-shot schedules, top-down task contexts).
"""

from . import continual, network, reference, tasks, training
from .continual import Contexts, contexts, few_shot_schedule, sequential_schedule
from .network import METHODS, Method, initial_weights
from .tasks import Dataset, class_tasks, digits, validation_split, xor_clouds
from .training import TrainingRecord, schedule, train

__all__ = ["continual", "network", "reference", "tasks", "training", "Contexts", "contexts", "few_shot_schedule",
           "sequential_schedule", "METHODS", "Method", "initial_weights", "Dataset", "class_tasks", "digits",
           "validation_split", "xor_clouds", "TrainingRecord", "schedule", "train"]
