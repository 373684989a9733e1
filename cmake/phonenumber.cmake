# libphonenumber ships neither a pkg-config file nor a CMake config (docs/platform.md, "Debian
# packages and CMake"): find the header and the library and wrap them as the imported target
# phonenumber::phonenumber. Included by the top-level CMakeLists.txt and by src/CMakeLists.txt.
if(NOT TARGET phonenumber::phonenumber)
  find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
  find_library(PHONENUMBER_LIBRARY phonenumber REQUIRED)
  add_library(phonenumber::phonenumber UNKNOWN IMPORTED)
  set_target_properties(phonenumber::phonenumber PROPERTIES
    IMPORTED_LOCATION "${PHONENUMBER_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${PHONENUMBER_INCLUDE_DIR}")
endif()
