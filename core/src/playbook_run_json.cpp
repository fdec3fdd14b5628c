// PlaybookRun <-> JSON, so the server keeps chatbot runs across restarts.
#include <nlohmann/json.hpp>

#include "livechat/playbook_run.hpp"

namespace livechat {

namespace {
constexpr std::pair<RunStatus, std::string_view> kStatuses[] = {{RunStatus::running, "running"},
                                                                {RunStatus::awaiting_answer, "awaiting_answer"},
                                                                {RunStatus::in_live_chat, "in_live_chat"},
                                                                {RunStatus::finished, "finished"}};
}  // namespace

nlohmann::json playbook_run_to_json(const PlaybookRun& run) {
  nlohmann::json j;
  j["card_id"] = run.card_id;
  j["answers"] = nlohmann::json::object();
  for (const auto& [k, v] : run.answers) j["answers"][k] = v;
  for (const auto& [s, name] : kStatuses)
    if (s == run.status) j["status"] = std::string(name);
  j["qualified"] = run.qualified ? nlohmann::json(*run.qualified) : nlohmann::json(nullptr);
  return j;
}

Result<PlaybookRun> playbook_run_from_json(const nlohmann::json& j) {
  auto bad = [](const char* field) { return make_error(ErrorCode::bad_request, std::string("run: bad ") + field, field); };
  if (!j.is_object()) return bad("run");
  PlaybookRun run;
  auto card = j.find("card_id");
  if (card == j.end() || !card->is_string()) return bad("card_id");
  run.card_id = card->get<std::string>();
  auto answers = j.find("answers");
  if (answers == j.end() || !answers->is_object()) return bad("answers");
  for (auto it = answers->begin(); it != answers->end(); ++it) {
    if (!it.value().is_string()) return bad("answers");
    run.answers[it.key()] = it.value().get<std::string>();
  }
  auto status = j.find("status");
  if (status == j.end() || !status->is_string()) return bad("status");
  bool known = false;
  for (const auto& [s, name] : kStatuses)
    if (name == status->get<std::string>()) {
      run.status = s;
      known = true;
    }
  if (!known) return bad("status");
  auto q = j.find("qualified");
  if (q != j.end() && q->is_boolean()) run.qualified = q->get<bool>();
  return run;
}

}  // namespace livechat
