from __future__ import annotations

import pytest

from clinwell.comments.encoder import Encoder, load_encoder


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The real packaged model, loaded once for the whole test session."""
    return load_encoder()
