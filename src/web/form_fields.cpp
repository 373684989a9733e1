// See form_fields.hpp. The body is parsed strictly (http/urlencoded.hpp); this decides which of
// its fields count.
#include "web/form_fields.hpp"

#include "http/urlencoded.hpp"
#include "util/ascii.hpp"

namespace voiceverify::web {
FormVerdict read_form(std::string_view body, FormValues& out) {
  http::FormParse parsed = http::parse_urlencoded(body);
  if (parsed.error != http::FormError::None) return FormVerdict::Malformed;
  for (const auto& [name, value] : parsed.fields.pairs) {
    if (util::has_control(name) || util::has_control(value)) return FormVerdict::Malformed;
    if (parsed.fields.count(name) > 1) return FormVerdict::Malformed;
  }
  for (const FieldSpec& spec : kFields) {
    const auto value = parsed.fields.single(std::string(spec.name));
    if (!value) continue;
    if (value->size() > spec.max_bytes) return FormVerdict::Malformed;
    out.set(spec.field, *value);
  }
  return FormVerdict::Ok;
}

}  // namespace voiceverify::web
