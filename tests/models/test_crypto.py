"""FieldCipher: Fernet field encryption with keys from the environment."""

import pytest
from cryptography.fernet import Fernet

from models.crypto import FieldCipher, generate_key
from models.errors import DecryptionFailed, KeyMalformed, KeyMissing, StorageError


def test_generate_key_makes_distinct_usable_keys():
    """Each generated key is new and builds a working cipher."""
    first, second = generate_key(), generate_key()
    assert first != second
    assert len(first) == 44
    assert FieldCipher([first]).decrypt(FieldCipher([first]).encrypt("ok")) == "ok"


def test_encrypt_round_trips_and_hides_the_plaintext():
    """Encrypting then decrypting returns the text, and the token does not contain it."""
    cipher = FieldCipher([generate_key()])
    token = cipher.encrypt("Sam from the Tuesday group works at Riverside Clinic ✓")
    assert b"Riverside" not in token
    assert cipher.decrypt(token) == "Sam from the Tuesday group works at Riverside Clinic ✓"


@pytest.mark.parametrize("value", [None, "", "   ", " , \n"])
def test_missing_key_names_the_variable_and_the_fix(value):
    """An unset or blank key variable raises KeyMissing naming the variable and `confidant db keygen`."""
    environ = {} if value is None else {"CONFIDANT_KEY": value}
    with pytest.raises(KeyMissing) as caught:
        FieldCipher.from_env("CONFIDANT_KEY", environ=environ)
    message = str(caught.value)
    assert message.startswith("[S001] CONFIDANT_KEY is not set")
    assert "confidant db keygen" in message
    assert isinstance(caught.value, StorageError)


def test_malformed_key_is_named_without_echoing_it():
    """A key that is not a Fernet key raises KeyMalformed naming the variable, never the key text."""
    with pytest.raises(KeyMalformed) as caught:
        FieldCipher.from_env("CONFIDANT_KEY", environ={"CONFIDANT_KEY": "hunter2-not-a-key"})
    message = str(caught.value)
    assert "[S002]" in message
    assert "CONFIDANT_KEY" in message
    assert "hunter2" not in message
    assert caught.value.__cause__ is None
    assert isinstance(caught.value, ValueError)


def test_malformed_second_key_says_which_one():
    """In a key list, the error says which key is malformed."""
    with pytest.raises(KeyMalformed, match="Key 2 of 2 in the environment variable CONFIDANT_KEY"):
        FieldCipher.from_env("CONFIDANT_KEY", environ={"CONFIDANT_KEY": f"{generate_key()},short"})


def test_several_keys_encrypt_with_the_first_and_decrypt_with_any():
    """With `new, old` keys the cipher reads old tokens and writes tokens only the new key opens."""
    old, new = generate_key(), generate_key()
    old_token = FieldCipher([old]).encrypt("written before rotation")
    cipher = FieldCipher.from_env("CONFIDANT_KEY", environ={"CONFIDANT_KEY": f" {new},\n {old} "})
    assert cipher.decrypt(old_token) == "written before rotation"
    assert Fernet(new).decrypt(cipher.encrypt("after")) == b"after"
    assert Fernet(new).decrypt(cipher.rotate(old_token)) == b"written before rotation"


def test_wrong_key_raises_decryption_failed_naming_the_field():
    """Decrypting with a key that did not encrypt the token raises DecryptionFailed naming the field."""
    token = FieldCipher([generate_key()]).encrypt("secret")
    with pytest.raises(DecryptionFailed, match=r"\[S010\] A stored audit reason"):
        FieldCipher([generate_key()]).decrypt(token, field="audit reason")


def test_repr_never_shows_keys():
    """The cipher's repr names the key source only."""
    key = generate_key()
    cipher = FieldCipher.from_env("CONFIDANT_KEY", environ={"CONFIDANT_KEY": key})
    assert key not in repr(cipher)
    assert "CONFIDANT_KEY" in repr(cipher)


def test_empty_key_list_is_a_value_error():
    """Constructing a cipher from no keys at all raises ValueError."""
    with pytest.raises(ValueError, match="at least one key"):
        FieldCipher([])
