// A banner is about a field when what the visitor typed there is the problem, and typing it
// differently can fix it (WCAG 3.3.1 "Error Identification"). A limit, an outage or an expired
// verification is not: the number or code may be right, and the field stays valid.
#include "view/banner_field.hpp"

namespace voiceverify::view {

bool banner_is_about(const std::optional<Banner>& banner, BannerField field) {
  return banner && field != BannerField::None && banner_field(banner->message) == field;
}

}  // namespace voiceverify::view
