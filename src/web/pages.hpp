// The pages, one file each; the route table (routes.hpp) binds them to paths.
#pragma once

#include "http/request.hpp"
#include "web/context.hpp"

namespace voiceverify::web {

http::Response show_phone_form(Context& ctx);  // phone_page.cpp
http::Response start_call(Context& ctx);       // phone_page.cpp
http::Response show_code_form(Context& ctx);   // code_page.cpp
http::Response check_code(Context& ctx);       // code_page.cpp
http::Response show_success(Context& ctx);     // success_page.cpp

}  // namespace voiceverify::web
