// Internal to the API's .cpp files: one request in flight, and helpers to answer it.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "livechat/result.hpp"

namespace livechat::server {

struct Api::Call {
  const HttpRequest& request;
  std::map<std::string, std::string> params;  // ":id" style path parameters
  std::optional<User> user;                   // the signed-in agent, when the route needs one
  std::string token_hash;                     // of the session used
  std::shared_ptr<std::function<void(HttpResponse)>> respond;  // shared: handlers may answer later

  // The request body as a JSON object, or an error response already sent (returns nullopt).
  std::optional<nlohmann::json> body();
  void json(int status, const nlohmann::json& value) const;
  void error(int status, ErrorCode code, const std::string& message, const std::string& field = {}) const;
  void error(const Error& e) const;  // status chosen from the code
  bool admin() const { return user && user->role == Role::admin; }
  // Sends 403 unless the caller is an admin; returns whether they are.
  bool require_admin() const;
};

using Respond = std::shared_ptr<std::function<void(HttpResponse)>>;
// Answers through a saved responder (for handlers that answer after a durable commit).
void send_json(const Respond& respond, int status, const nlohmann::json& value);
void send_error(const Respond& respond, const Error& error);

// The HTTP status for a core error code: bad_request/invalid_field 400, not_found 404,
// forbidden 403, conflict/closed/offline 409, too_large 413, rate_limited 429.
int http_status(ErrorCode code);

// Reads an optional string member: absent -> fallback; present but not a string -> nullopt.
std::optional<std::string> string_member(const nlohmann::json& object, const char* name, std::string fallback = {});

}  // namespace livechat::server
