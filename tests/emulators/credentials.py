"""Fixed test credentials the emulators accept (anything else is rejected as the provider would).

They are deliberately fake; the real services know none of them.
"""

from __future__ import annotations

# CLOVA Speech Recognition (CSR), NCP API Gateway keys.
CSR_CLIENT_ID = "sori-emulator-csr-client-id"
CSR_CLIENT_SECRET = "sori-emulator-csr-client-secret"

# CLOVA Speech: secret key of one domain, and the parts of that domain's InvokeURL path.
CLOVA_SPEECH_SECRET = "sori-emulator-clova-speech-secret"
CLOVA_DOMAIN_ID = "4242"
CLOVA_INVOKE_KEY = "5b1d0c3e8a7f4e6d9c2b1a0f3e4d5c6b"
CLOVA_INVOKE_PATH = f"/external/v1/{CLOVA_DOMAIN_ID}/{CLOVA_INVOKE_KEY}"

# NHN Cloud Speech to Text v2.0.
NHN_APP_KEY = "SoriEmulatorAppKey01"
NHN_SECRET_KEY = "SoriEmulatorSecretKey01"

# Return Zero (RTZR / VITO) OpenAPI.
RTZR_CLIENT_ID = "sori-emulator-rtzr-client-id"
RTZR_CLIENT_SECRET = "sori-emulator-rtzr-client-secret"
