// Secrets: password hashing (argon2id through libsodium), unguessable tokens and ids.
// Tokens are 256 random bits; only their hash is ever stored.
#pragma once
#include <string>
#include <string_view>

namespace livechat::server {

// Initialises libsodium; call once at start-up. False if the library cannot start.
bool auth_init();

// An argon2id hash string (salt and parameters inside), or "" if hashing failed (out of memory).
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);

// 256 random bits as 64 hex characters.
std::string new_token();
// The token's BLAKE2b-256 hash as hex: what the database keeps.
std::string token_hash(std::string_view token);
// A short unguessable id with a readable prefix, e.g. new_id("c") -> "c_3f9a0c1e2b7d4a51".
std::string new_id(std::string_view prefix);

// Compares in constant time.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace livechat::server
