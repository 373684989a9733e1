// Which form field a banner is about: the one place that decides it. A page ties its field to
// the banner (aria-describedby) whenever it shows one, and marks the field aria-invalid only when
// the banner is about it (docs/accessibility.md).
#pragma once

#include "view/catalogue.hpp"

namespace voiceverify::view {

// The fields of our forms, as a banner can be about them: Number is the phone form's `number`,
// Code the code form's `token`. None: the banner is about no field (a limit, the service, a
// verification that is over), so nothing is marked invalid.
enum class BannerField { None, Number, Code };

// The field of `id`'s row in the message table (catalogue.cpp, beside its catalogue key).
BannerField banner_field(MessageId id);

// True when `banner` is shown and is about `field`.
bool banner_is_about(const std::optional<Banner>& banner, BannerField field);

}  // namespace voiceverify::view
