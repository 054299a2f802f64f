"""Schemathesis hooks for scripts/api-contract: generators for the document's custom formats.

The OpenAPI document of Atende marks two validated strings with formats JSON Schema does not
define (crates/atende-http/src/routes/contract.rs): `phone` and `iana-time-zone`. Schemathesis
knows neither and would generate arbitrary text for them, which the server rightly refuses. These
generators produce values of the format as the document describes it.
"""

import schemathesis
from hypothesis import strategies as st

# Brazilian area codes (DDD) in use, and the mobile form 9XXXX-XXXX.
_DDD = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69,
    71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
]


@st.composite
def _phone(draw):
    ddd = draw(st.sampled_from(_DDD))
    rest = draw(st.integers(min_value=0, max_value=99_999_999))
    e164 = f"+55{ddd}9{rest:08d}"
    spelled = f"+55 {ddd} 9{rest:08d}"[:-4] + "-" + f"{rest:08d}"[-4:]
    national = f"({ddd}) 9{rest:08d}"
    return draw(st.sampled_from([e164, spelled, national]))


# Zones present in every IANA database release (the server checks against the one it runs with).
_ZONES = [
    "America/Sao_Paulo", "America/Manaus", "America/Belem", "America/Fortaleza", "America/Recife",
    "America/Bahia", "America/Cuiaba", "America/Campo_Grande", "America/Porto_Velho",
    "America/Boa_Vista", "America/Rio_Branco", "America/Noronha", "America/Araguaina",
    "America/Maceio", "America/Santarem", "America/Eirunepe", "America/New_York",
    "America/Argentina/Buenos_Aires", "America/Mexico_City", "Europe/Lisbon", "Europe/Madrid",
    "Europe/London", "Asia/Tokyo", "Africa/Luanda", "UTC",
]

schemathesis.openapi.format("phone", _phone())
schemathesis.openapi.format("iana-time-zone", st.sampled_from(_ZONES))
