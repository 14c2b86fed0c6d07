"""The options tables of the GNN: architecture and training (torch-free).

:class:`ModelConfig` is stored in every checkpoint; :class:`TrainConfig` holds every
option of ``circuitlab train-gnn``, whose flags come from its fields
(:func:`circuitlab.config.option`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from circuitlab.config import option

from .errors import GnnConfigError


@dataclass
class ModelConfig:
    """Architecture options (stored in every checkpoint).

    Attributes:
        hidden: D, the node state width.
        rounds: forward + reverse passes before the heads.
        use_prior: feed the COP and window probabilities as node features.
        residual: predict logits as corrections of the window estimates' logits
            (signals and joints).
        skip_depth: reconvergence search depth of the data (:func:`.data.aig_to_data`);
            0 disables skip edges.  Stored so inference builds the same graph.
        window_depth: fanin levels of the window estimate in the data (0: COP instead).
        signal_prior: the signal head's residual base, ``"window"`` or ``"cop"`` (the
            joints always start from the window estimate).
        pi_noise: scale of the random identity vectors of primary inputs (0: none).
    """

    hidden: int = 48
    rounds: int = 1
    use_prior: bool = True
    residual: bool = True
    skip_depth: int = 3
    window_depth: int = 3
    signal_prior: str = "window"
    pi_noise: float = 0.0

    def __post_init__(self):
        if self.hidden < 1 or self.rounds < 1 or self.skip_depth < 0 or self.pi_noise < 0:
            raise GnnConfigError(
                f"hidden and rounds must be >= 1, skip_depth and pi_noise >= 0, "
                f"got {self.hidden}, {self.rounds}, {self.skip_depth}, {self.pi_noise}"
            )
        if self.signal_prior not in ("window", "cop"):
            raise GnnConfigError(f"signal_prior must be 'window' or 'cop', got {self.signal_prior!r}")
        if not 0 <= self.window_depth <= 3:
            raise GnnConfigError(f"window_depth must be 0..3, got {self.window_depth}")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TrainConfig:
    """Every option of ``circuitlab train-gnn`` (the CLI flags are generated from this)."""

    corpus: str = option("", "corpus file from `circuitlab gnn-corpus`", required=True)
    out: str = option("gnn-run", "output folder for checkpoints, history and the loss curve")
    epochs: int = option(30, "passes over the training split")
    batch_size: int = option(16, "circuits per batch")
    lr: float = option(2e-3, "peak learning rate (Adam, cosine decay)")
    min_lr_ratio: float = option(0.05, "final learning rate as a fraction of lr")
    weight_decay: float = option(0.0, "Adam weight decay")
    grad_clip: float = option(1.0, "gradient norm clip (0 = off)")
    hidden: int = option(48, "node state width D")
    rounds: int = option(1, "forward+reverse rounds")
    use_prior: bool = option(True, "feed the COP and window probabilities as node features")
    residual: bool = option(True, "predict corrections of the prior estimates' logits")
    signal_prior: str = option("window", "residual base of the signal head: window or cop")
    pi_noise: float = option(0.0, "scale of random identity vectors on primary inputs (0 = off)")
    pair_weight: float = option(1.0, "weight of the joint + conditional loss terms")
    seed: int = option(0, "seed of model init and batch order")
    threads: int = option(1, "torch CPU threads")
    max_time: float = option(0.0, "stop (with a checkpoint) after this many seconds; 0 = no limit")
    max_steps: int = option(0, "stop after this many optimizer steps in total; 0 = no limit")
    ckpt_every: int = option(50, "also checkpoint every N steps inside an epoch (0 = only at epoch end)")
    resume: bool = option(False, "continue from out/last.pt if it exists")
    export: str = option("", "also write the best model's weights-only file here (e.g. gnn/weights/cascad.pt)")
    progress: bool = option(True, "show a progress bar")

    def __post_init__(self):
        for name in ("epochs", "batch_size", "hidden", "rounds", "threads"):
            if getattr(self, name) < 1:
                raise GnnConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        for name in ("max_time", "max_steps", "ckpt_every", "weight_decay", "grad_clip", "pair_weight", "pi_noise"):
            if getattr(self, name) < 0:
                raise GnnConfigError(f"{name} must be >= 0, got {getattr(self, name)}")
        if not self.lr > 0 or not 0 <= self.min_lr_ratio <= 1:
            raise GnnConfigError("lr must be > 0 and min_lr_ratio in [0, 1]")
        self.model_config()  # ModelConfig checks the architecture fields (e.g. signal_prior)

    def model_config(self, skip_depth: int = 3, window_depth: int = 3) -> ModelConfig:
        """The architecture; ``skip_depth`` and ``window_depth`` come from the corpus the graphs
        were built with."""
        return ModelConfig(
            hidden=self.hidden,
            rounds=self.rounds,
            use_prior=self.use_prior,
            residual=self.residual,
            signal_prior=self.signal_prior,
            skip_depth=skip_depth,
            window_depth=window_depth,
            pi_noise=self.pi_noise,
        )
