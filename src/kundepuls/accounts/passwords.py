"""Password hashing with argon2id, and a failure path that costs as much as a success."""

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kundepuls.kit.errors import UsageError

MIN_LENGTH = 10
# argon2-cffi's defaults follow RFC 9106's second recommendation (t=3, 64 MiB, p=4).
hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted; the plain text is never stored)."""
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash, spend the same time and say no.

    Verifying against a dummy hash when the user does not exist keeps unknown and known
    accounts indistinguishable by response time.
    """
    try:
        matched = hasher.verify(password_hash or _dummy_hash(hasher), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than the current ones."""
    return hasher.check_needs_rehash(password_hash)


def check_strength(password: str, email: str) -> None:
    """Refuse passwords that are too short or are the email address."""
    if len(password) < MIN_LENGTH:
        raise UsageError(f"password: must be at least {MIN_LENGTH} characters")
    if password.strip().lower() == email.strip().lower():
        raise UsageError("password: must not be the email address")


# The hash of a random, forgotten password with the default costs: verifying against it costs
# what verifying a real user's password costs, without hashing anything at start-up.
DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$KgKNbG0aMvuIIQ5OjaoFEQ"
    "$K4pr04ryYCrqoxbBTb/W9klAluf7ooXhy5A/3KD2ZoQ"
)


@lru_cache(maxsize=4)
def _dummy_hash(current: PasswordHasher) -> str:
    """A hash with the costs of ``current`` (the constant, unless the costs were changed)."""
    if not current.check_needs_rehash(DUMMY_HASH):
        return DUMMY_HASH
    return current.hash("kundepuls-no-such-user")
