#pragma once
// OpenSSL's libcrypto, for SHA-256 only (EVP_Digest: one call, the CPU's SHA extensions when it has them).
#include <openssl/evp.h>
