// Renders the error pages nginx serves itself (view::kNginxErrorStatuses) from the same layout,
// error template and message catalogue as the pool's pages, so they cannot drift from them. Run
// by the build; the files are installed to /usr/share/voiceverify/static/ and copied beside the dev
// nginx's site by scripts/lib/make-nginx-conf.
//
//   vv-error-pages TEMPLATES_DIR OUT_DIR
#include <cstdio>
#include <fstream>
#include <string>

#include "view/templates.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: vv-error-pages TEMPLATES_DIR OUT_DIR\n");
    return 2;
  }
  std::string error;
  const auto templates = voiceverify::view::Templates::load(argv[1], error);
  if (!templates) {
    std::fprintf(stderr, "vv-error-pages: %s\n", error.c_str());
    return 1;
  }
  for (const int status : voiceverify::view::kNginxErrorStatuses) {
    const std::string path = std::string(argv[2]) + "/" + std::to_string(status) + ".html";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    // In English only: nginx picks a static page by status alone (docs/architecture.md, "The
    // page's language").
    out << templates->error_page({status, true, std::nullopt},
                                 voiceverify::view::kFallbackLanguage);
    if (!out) {
      std::fprintf(stderr, "vv-error-pages: cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}
