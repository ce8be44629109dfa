#pragma once
// OpenSSL's libcrypto: SHA-256 (EVP_Digest: one call, the CPU's SHA extensions when it has them), HMAC-SHA256 for
// webhook signatures, and CRYPTO_memcmp for comparing them in constant time.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
