"""Deterministic sample data for the warehouse: simulated people, their journeys, real-world mess.

    from orchestration.sample_data import GeneratorConfig, generate
    result = generate(GeneratorConfig(events=100_000, days=30, seed=7, out_dir=Path("data/raw")))

See docs/sample_data.md for what is simulated and what the ground-truth files hold.
"""

from orchestration.sample_data.config import FORMATS, GeneratorConfig
from orchestration.sample_data.generate import GenerationResult, generate

__all__ = ["FORMATS", "GenerationResult", "GeneratorConfig", "generate"]
