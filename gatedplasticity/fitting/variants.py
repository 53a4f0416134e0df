"""What a BTSP model of recorded inductions assumes beyond its fitted parameters: one :class:`Variant`.

- ``ramp_scale``: the ramp read out per unit of synaptic weight, relative to
  ``analysis.place_fields.ramp_kernel`` (1: c x 40 Hz x (W - 1) r(x), whose
  cap with every input in a field at w = 1 is ~8.7 mV; recorded ramps reach
  13-15 mV). It scales both the readout and the initial weights fitted to the
  "before" ramp. Milstein et al. 2021 scale their ramp by a calibrated
  constant [R: its value is not in the text].
- ``integration``: ``"lap"`` (the weight changes once per lap, as the authors'
  code) or ``"continuous"`` (``rules.btsp``).
- ``normalisation``: ``"reference"`` (ET at its steady-running peak at 25
  cm/s, IS to peak 1 after a 300-ms plateau: today's model) or ``"pooled"``
  (both by their largest values over the inductions fitted together, as the
  authors normalise over their data set).

``Variant()`` is today's model; :data:`PUBLISHED` the published choices of
integration and normalisation (with the ramp scale left at 1).
"""

from dataclasses import asdict, dataclass

from ..parameters import ParameterError
from ..protocols.inductions import NORMALISATIONS
from ..protocols.validation import one_of
from ..rules.btsp import INTEGRATIONS

OWNER = "model variant"


@dataclass(frozen=True)
class Variant:
    """Model assumptions that are not fitted: ramp scale, integration, normalisation (see the module)."""

    ramp_scale: float = 1.0
    integration: str = "lap"
    normalisation: str = "reference"

    def __post_init__(self):
        try:
            scale = float(self.ramp_scale)
        except (TypeError, ValueError):
            raise ParameterError("ramp_scale", f"ramp_scale must be a number, got {self.ramp_scale!r}") from None
        if not 0 < scale < float("inf"):
            raise ParameterError("ramp_scale", f"ramp_scale must be positive and finite, got {self.ramp_scale!r}")
        object.__setattr__(self, "ramp_scale", scale)
        one_of("integration", self.integration, INTEGRATIONS, OWNER)
        one_of("normalisation", self.normalisation, NORMALISATIONS, OWNER)

    @property
    def label(self):
        return f"scale {self.ramp_scale:g}, {self.integration}, {self.normalisation}"

    def to_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, values):
        unknown = set(values) - set(cls.__dataclass_fields__)
        if unknown:
            raise ParameterError(sorted(unknown)[0], f"not a model variant setting; known: "
                                                     f"{', '.join(cls.__dataclass_fields__)}")
        return cls(**values)


#: The published choices: lap integration, ET and IS normalised by their largest values over the data.
PUBLISHED = Variant(integration="lap", normalisation="pooled")
