#include "json_config.h"

#include <nlohmann/json.hpp>

#include "nnadc/core/text.h"

namespace nnadc::cli {

namespace {

std::string scalarText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();
}

// Option values are strings inside CLI11; write numbers and booleans as JSON numbers and booleans
// so a recorded config reads back as the same options.
nlohmann::ordered_json typedValue(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  if (const auto number = nnadc::parseDouble(text)) return *number;
  return text;
}

}  // namespace

std::vector<CLI::ConfigItem> JsonConfig::from_config(std::istream& input) const {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(input);
  } catch (const nlohmann::json::parse_error& e) {
    throw CLI::ConversionError("config file is not valid JSON: " + std::string(e.what()));
  }
  if (!root.is_object()) throw CLI::ConversionError("config file must hold a JSON object");
  std::vector<CLI::ConfigItem> parsed;
  for (const auto& [key, value] : root.items()) {
    CLI::ConfigItem item;
    item.name = key;
    if (value.is_array()) {
      for (const auto& element : value) item.inputs.push_back(scalarText(element));
    } else if (value.is_object() || value.is_null()) {
      throw CLI::ConversionError("config key '" + key + "' must be a number, string, boolean " +
                                 "or array, not " + std::string(value.type_name()));
    } else {
      item.inputs.push_back(scalarText(value));
    }
    parsed.push_back(std::move(item));
  }
  return parsed;
}

std::string JsonConfig::to_config(const CLI::App* app, bool default_also,
                                  bool /*write_description*/, std::string /*prefix*/) const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const CLI::Option* option : app->get_options()) {
    const std::string name = option->get_single_name();
    if (option->get_lnames().empty() || name == "help" || name == "config") continue;
    std::vector<std::string> results = option->as<std::vector<std::string>>();
    if (option->count() == 0) {
      if (!default_also || option->get_default_str().empty()) continue;
      results = {option->get_default_str()};
    }
    if (option->get_type_size() == 0 && option->get_expected_max() <= 1 && results.size() <= 1) {
      out[name] = option->count() > 0 || option->as<bool>();
    } else if (results.size() == 1 && option->get_expected_max() <= 1) {
      out[name] = typedValue(results.front());
    } else {
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const std::string& r : results) list.push_back(typedValue(r));
      out[name] = list;
    }
  }
  return out.dump();
}

}  // namespace nnadc::cli
