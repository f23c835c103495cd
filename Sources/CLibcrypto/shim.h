// The system's OpenSSL libcrypto (libcurl already loads it): only its EVP AEAD interface is used,
// for Noise's ChaCha20-Poly1305 in place (`OpenSSLChaChaPoly` in Libp2pNoise).
#include <openssl/evp.h>
