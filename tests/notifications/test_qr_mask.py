"""The QR codes made with the fast mask choice are segno's own: for thousands of tickets,
vouchers and other data, in every version and error level, each of the eight penalty scores
is the one segno computes, and the code (matrix, version, mask) is the one segno makes."""

import base64
import random
import string

import pytest
import segno
from segno import encoder

from marquee.notifications.rendering import qr, qr_mask

B36 = string.digits + string.ascii_uppercase
VOUCHER = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _segno(data, error, version=None):
    """segno's code and the penalty it gave each mask, in order."""
    scores = []
    evaluate = encoder.evaluate_mask

    def recording(matrix, width, height):
        scores.append(evaluate(matrix, width, height))
        return scores[-1]

    encoder.evaluate_mask = recording  # find_and_apply_best_mask looks it up on each call
    try:
        code = segno.make_qr(data, error=error, version=version, boost_error=False)
    finally:
        encoder.evaluate_mask = evaluate
    assert len(scores) == 8
    return code, scores


def _same_as_segno(data, error="m", version=None, probe_mask=None):
    """Asserts the fast code is segno's; with `probe_mask`, also that scoring from a code made
    with that mask gives segno's eight scores. Returns the version."""
    theirs, scores = _segno(data, error, version)
    ours = qr_mask.make_qr(data, error, version)
    assert ours.mask == theirs.mask == scores.index(min(scores)), data
    assert ours.matrix == theirs.matrix, data
    assert (ours.version, ours.error, ours.mode) == (theirs.version, theirs.error, theirs.mode)
    if probe_mask is not None:
        probe = segno.make_qr(data, error=error, version=version, mask=probe_mask, boost_error=False)
        assert qr_mask.penalties(probe) == scores, data
    return theirs.version


def _ticket_code(rng):
    ticket = "".join(rng.choice(B36) for _ in range(rng.randint(1, 7)))
    if rng.random() < 0.2:  # a moved ticket's code carries its code version
        ticket += "." + "".join(rng.choice(B36) for _ in range(rng.randint(1, 2)))
    return ticket + "." + base64.b32encode(rng.randbytes(20)).decode()


# In parts, so that the suite's processes share them.
@pytest.mark.parametrize("seed", range(4))
def test_ticket_and_voucher_codes_are_segnos(seed):
    rng = random.Random(seed)
    versions = set()
    for i in range(250):
        versions.add(_same_as_segno(_ticket_code(rng), probe_mask=i % 8 if i % 4 == 0 else None))
    for i in range(50):
        code = "".join(rng.choice(VOUCHER) for _ in range(20))
        versions.add(_same_as_segno("-".join(code[k : k + 4] for k in range(0, 20, 4)), probe_mask=i % 8))
    assert versions == {2, 3}


@pytest.mark.parametrize("seed", range(2))
def test_bytes_numbers_and_text_of_any_length_are_segnos(seed):
    rng = random.Random(10 + seed)
    alphanumeric = string.digits + string.ascii_uppercase + " $%*+-./:"
    inputs = (
        [rng.randbytes(rng.randint(0, 100)) for _ in range(150)]
        + ["".join(rng.choice(string.digits) for _ in range(rng.randint(1, 250))) for _ in range(100)]
        + ["".join(rng.choice(alphanumeric) for _ in range(rng.randint(1, 150))) for _ in range(100)]
        + ["".join(rng.choice("Кінотеатр марк ąę €ß") for _ in range(rng.randint(1, 50))) for _ in range(50)]
        + [f"https://marquee.example/t/{rng.randrange(10**9)}?lang=uk" for _ in range(25)]
    )
    versions = {_same_as_segno(data, probe_mask=i % 8 if i % 2 == 0 else None) for i, data in enumerate(inputs)}
    assert versions >= set(range(1, 7))


def test_longer_codes_up_to_version_10_are_segnos():
    rng = random.Random(17)
    versions = {_same_as_segno(rng.randbytes(rng.randint(120, 210)), probe_mask=i % 8) for i in range(40)}
    assert versions >= {8, 9, 10}


def test_every_version_and_error_level_is_segnos():
    rng = random.Random(18)
    for version in range(1, 41):
        for error in "lmqh":
            if version > 12 and error != "lmqh"[version % 4]:
                continue  # a large symbol takes segno 20-100 ms: one error level each
            _same_as_segno(rng.randbytes(rng.randint(0, 14)), error, version, probe_mask=rng.randrange(8))


def test_uniform_and_repetitive_data_are_segnos():
    # Long runs and finder-like patterns in the data itself, where segno's N3 search skips
    # overlapping patterns.
    for data in ["0" * 40, "9" * 300, "A" * 100, b"\x00" * 100, b"\xff" * 100, "1011101" * 30, b"\x5d\xdd" * 40]:
        for error in "lmqh":
            _same_as_segno(data, error, probe_mask=3)


def test_the_tickets_code_is_segnos():
    qr.qr_cache_clear()
    for code in ["255S.L44BEQVVXIFSXOWMY6PQEKFLPUFWL7QN", "1.U2ZNMCPXNFG3YXBXVWTEV4VINM7NC57H", "K7"]:
        theirs = segno.make_qr(code, error=qr.ERROR_LEVEL, boost_error=False)
        assert qr.qr_matrix(code) == theirs.matrix
    qr.qr_cache_clear()
