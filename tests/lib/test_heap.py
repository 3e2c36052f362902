"""older_objects_frozen: the heap frozen and young collections spaced out for a block, all restored after."""

from __future__ import annotations

import gc

import pytest

from lib.heap import BULK_THRESHOLDS, older_objects_frozen


@pytest.fixture
def unfrozen():
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield thresholds
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_heap_is_frozen_inside_and_given_back_after_even_on_an_error(unfrozen):
    with pytest.raises(RuntimeError), older_objects_frozen():
        assert gc.get_freeze_count() > 0 and gc.get_threshold() == BULK_THRESHOLDS
        raise RuntimeError("the job failed")
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == unfrozen


def test_a_heap_frozen_on_purpose_stays_frozen(unfrozen):
    gc.freeze()
    with older_objects_frozen():
        assert gc.get_threshold() == unfrozen
    assert gc.get_freeze_count() > 0 and gc.get_threshold() == unfrozen  # objects freed meanwhile leave it
