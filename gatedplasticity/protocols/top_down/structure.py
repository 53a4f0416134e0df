"""What the two-layer network is made of: its compile-time :class:`Structure` and its :class:`Parameters`.

:class:`Structure` holds the choices that change the compiled program
(rules, traces, trial structure, extensions, sizes, the delay and the STDP
time constant); it is frozen and hashable, so a ``backends.Program`` is
built once per structure. :class:`Parameters` holds every value in the
paper's names and units; they reach a built program as run-time values,
and :func:`model_values` is the one place that maps them to the model's
variables (threshold -> ``V_th``, drive_scale -> ``g_per_input``,
input_scale -> ``peak_rate``, ...).
"""

from dataclasses import asdict, dataclass, field, fields, replace

from brian2 import Hz, Quantity, mV, ms

from ...models.lif import G_PER_INPUT, GAUSSIAN, NEGATIVE_COUNTS, TRIALS
from ...parameters import ParameterError, resolve
from ...rules import stdp
from . import trials

OWNER = "top-down network"
DT = 1 * ms
PRESENTATION = 160 * ms
CHUNK = 500  # presentations per compiled run: the verdict's granularity
HOMEOSTASIS_EVERY = 30  # presentations
#: The published peak input rate (x input_scale); Eq 3's 0.04 per spike is scaled by drive_scale (J, S) and
#: synaptic_scale (Q, W spikes).
PEAK_RATE = 20_000 * Hz

#: The network's parameters and their units; every one must be given.
UNITS = {
    "alpha": 1.0, "mu": 1.0, "delay": 1 * ms, "tau_stdp": 1 * ms, "noise_rate": 1 * Hz, "tau_syn": 1 * ms,
    "sigma_input": 1.0, "sigma_noise": 1.0, "w_bound": 1.0,
    "target_rate": 1 * Hz, "gamma": 1.0, "zeta": 1.0, "alpha_q": 1.0, "higher_input": 1.0,
    "threshold": 1 * mV, "drive_scale": 1.0, "synaptic_scale": 1.0, "input_scale": 1.0,
}


@dataclass(frozen=True)
class Parameters:
    """Every parameter of the network, in the paper's names (units as in ``UNITS``), checked on creation."""

    alpha: float
    mu: float
    delay: Quantity
    tau_stdp: Quantity
    noise_rate: Quantity
    tau_syn: Quantity
    sigma_input: float
    sigma_noise: float
    w_bound: float
    target_rate: Quantity
    gamma: float
    zeta: float
    alpha_q: float
    higher_input: float
    threshold: Quantity
    drive_scale: float
    synaptic_scale: float
    input_scale: float

    def __post_init__(self):
        resolve(UNITS, asdict(self), OWNER)
        if self.delay < DT:
            raise ParameterError("delay", f"{OWNER}: the delay must be at least one time step ({DT}), got {self.delay}")

    @classmethod
    def of(cls, values):
        """Parameters from a mapping {name: value}; a missing or unknown name raises ParameterError naming it."""
        if isinstance(values, Parameters):
            return values
        missing = sorted(set(UNITS) - set(values))
        if missing:
            raise ParameterError(missing[0], f"{OWNER}: parameter '{missing[0]}' is missing; the network needs "
                                             f"{', '.join(UNITS)} (e.g. papers.burbank2012.parameters.network_parameters())")
        resolve(UNITS, values, OWNER)
        return cls(**values)

    def replace(self, **changes):
        return replace(self, **changes)

    def as_dict(self):
        return {item.name: getattr(self, item.name) for item in fields(self)}


#: Structure fields that :meth:`Structure.for_network` fills in.
DERIVED_FIELDS = ("n_lower", "n_higher", "delay", "tau_stdp", "higher_layer_input")


@dataclass(frozen=True, eq=False)
class Structure:
    """The compile-time choices of the network (their meaning: ``top_down.network`` and ``top_down.trials``).

    ``n_lower``, ``n_higher``, ``delay`` and (per-synapse traces only: with neuron-level traces it is a
    run-time value) ``tau_stdp`` are filled in from the weights and the parameters by :meth:`for_network`
    (``train`` does it). ``gaussian``: where the normal numbers of the inputs come from, Brian2's
    ``randn()`` or each copy's own generator (``models.lif.GAUSSIAN``; many copies in one program need "copy").
    """

    rule: str = "reverse"
    traces: str = "neuron"
    multiplicative: bool = False
    bottom_up_rule: str = None
    homeostasis: bool = False
    higher_layer_input: bool = False
    record_spikes: bool = False
    chunk: int = CHUNK
    trial: str = "reset"
    pair_window: Quantity = field(default_factory=lambda: trials.PAIR_WINDOW)  # None: no window
    update: str = "presentation"
    negative_counts: str = "clip"
    gaussian: str = "brian2"
    n_lower: int = None
    n_higher: int = None
    delay: Quantity = None
    tau_stdp: Quantity = None

    def __post_init__(self):
        for name, value, choices in (("rule", self.rule, stdp.VARIANTS), ("traces", self.traces, stdp.TRACES),
                                     ("trial", self.trial, TRIALS), ("update", self.update, tuple(trials.UPDATES)),
                                     ("negative_counts", self.negative_counts, tuple(NEGATIVE_COUNTS)),
                                     ("gaussian", self.gaussian, tuple(GAUSSIAN))):
            if value not in choices:
                raise ParameterError(name, f"{OWNER}: unknown {name} {value!r}; choose one of {', '.join(choices)}")
        if self.bottom_up_rule is not None and self.bottom_up_rule not in stdp.VARIANTS:
            raise ParameterError("bottom_up_rule", f"{OWNER}: unknown rule {self.bottom_up_rule!r}; choose one of "
                                                   f"{', '.join(stdp.VARIANTS)} (or None: fixed Q)")
        if self.traces != "neuron" and (self.trial == "reset" or self.pair_window is not None or self.update != "spike"):
            raise ParameterError("traces", f"{OWNER}: trial='reset', a pair_window and update='presentation' need "
                                           "traces='neuron' (use trial='continuous', pair_window=None, update='spike')")
        if self.pair_window is not None and not DT <= self.pair_window < PRESENTATION:
            raise ParameterError("pair_window", f"{OWNER}: pair_window must lie in [{DT}, {PRESENTATION}), "
                                                f"got {self.pair_window}")
        if self.homeostasis and self.chunk % HOMEOSTASIS_EVERY:
            raise ParameterError("chunk", f"{OWNER}: with homeostasis the chunk must be a multiple of {HOMEOSTASIS_EVERY}")

    @classmethod
    def options(cls):
        """Names of the fields a user chooses (the others follow from the weights and the parameters)."""
        return tuple(item.name for item in fields(cls) if item.name not in DERIVED_FIELDS)

    def for_network(self, shape, params):
        """This structure for weights of ``shape`` (lower x higher), ``params``' delay and (per-synapse traces)
        tau_stdp."""
        return replace(self, n_lower=int(shape[0]), n_higher=int(shape[1]), delay=params.delay,
                       tau_stdp=params.tau_stdp if self.traces == "synapse" else None,
                       higher_layer_input=params.higher_input > 0)

    @property
    def complete(self):
        compiled_window = (self.tau_stdp,) if self.traces == "synapse" else ()
        return None not in (self.n_lower, self.n_higher, self.delay, *compiled_window)

    def key(self):
        """The fields as hashable plain values (quantities in ms)."""
        return tuple(float(value / ms) if isinstance(value, Quantity) else value
                     for value in (getattr(self, item.name) for item in fields(self)))

    def __hash__(self):
        return hash(self.key())

    def __eq__(self, other):
        return isinstance(other, Structure) and self.key() == other.key()


def model_values(params, structure):
    """{run-time value name of the built network: value} for ``params``: the one mapping from the paper's
    names to the model's variables."""
    neuron = {"noise_rate": params.noise_rate, "sigma_noise": params.sigma_noise, "tau_syn": params.tau_syn,
              "V_th": params.threshold, "g_per_input": G_PER_INPUT * params.drive_scale,
              "g_per_spike": G_PER_INPUT * params.synaptic_scale}
    external = {"sigma_input": params.sigma_input, "peak_rate": PEAK_RATE * params.input_scale}
    if structure.traces == "neuron":
        neuron["tau_stdp"] = params.tau_stdp
        values = {f"{group}_arrivals.tau_stdp": params.tau_stdp for group in ("lower", "higher")}
    else:
        values = {}
    values.update({f"lower.{name}": value for name, value in {**neuron, **external}.items()})
    values.update({f"higher.{name}": value for name, value in neuron.items()})
    values.update({"top_down.mu": params.mu, "top_down.alpha": params.alpha, "top_down.w_min": -params.w_bound,
                   "top_down.w_max": params.w_bound})
    if structure.higher_layer_input:
        values.update({f"higher.{name}": value for name, value in external.items()})
        values["higher.input_gain"] = params.higher_input
    if structure.bottom_up_rule:
        values.update({"bottom_up.mu": params.zeta * params.mu, "bottom_up.alpha": params.alpha_q,
                       "bottom_up.w_min": -params.w_bound, "bottom_up.w_max": params.w_bound})
    if structure.homeostasis:
        values.update({"lower.homeostasis_rate": params.gamma * params.mu, "lower.target_rate": params.target_rate})
    return values
