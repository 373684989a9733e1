# Installation and the Debian package, in the layout the systemd units and the nginx site expect.
# Included by the top-level CMakeLists.txt, after the targets and VV_ERROR_PAGES are defined.
#
# Two components:
#   runtime  the binary, templates, static files, units and docs;
#   site     copies of the nginx site and snippets under /usr/share/voiceverify/nginx, for an
#            install by hand (`cmake --install --prefix /usr` installs runtime and site;
#            docs/operations.md, "Running it in production"), not in the package;
#   etc      the files the package alone puts in /etc (conffiles): the example config as
#            /etc/voiceverify/voiceverify.conf, the nginx site (installed, not enabled) and its
#            snippets. EXCLUDE_FROM_ALL, so an install by hand never overwrites a config.
# The package (`cpack -G DEB` in the build folder) holds runtime and etc:
# voiceverify_<version>_amd64.deb.
include(GNUInstallDirs)

install(TARGETS voiceverify RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(DIRECTORY templates/ DESTINATION ${CMAKE_INSTALL_DATADIR}/voiceverify/templates
        COMPONENT runtime)
install(DIRECTORY static/ DESTINATION ${CMAKE_INSTALL_DATADIR}/voiceverify/static
        COMPONENT runtime)
install(FILES ${VV_ERROR_PAGES} DESTINATION ${CMAKE_INSTALL_DATADIR}/voiceverify/static
        COMPONENT runtime)
install(FILES systemd/voiceverify.service systemd/voiceverify.socket
        DESTINATION lib/systemd/system COMPONENT runtime)
install(FILES README.md docs/operations.md docs/applications.md voiceverify.conf.example DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT runtime)
install(FILES nginx/voiceverify.conf DESTINATION ${CMAKE_INSTALL_DATADIR}/voiceverify/nginx
        COMPONENT site)
install(DIRECTORY nginx/snippets/ DESTINATION ${CMAKE_INSTALL_DATADIR}/voiceverify/nginx/snippets
        COMPONENT site)

# The package's /etc. Every file here is a conffile: dpkg keeps the sysadmin's edits on upgrade.
set(VV_CONFFILES)
install(FILES voiceverify.conf.example DESTINATION /etc/voiceverify RENAME voiceverify.conf
        PERMISSIONS OWNER_READ OWNER_WRITE COMPONENT etc EXCLUDE_FROM_ALL)
list(APPEND VV_CONFFILES /etc/voiceverify/voiceverify.conf)
install(FILES nginx/voiceverify.conf DESTINATION /etc/nginx/sites-available RENAME voiceverify
        COMPONENT etc EXCLUDE_FROM_ALL)
list(APPEND VV_CONFFILES /etc/nginx/sites-available/voiceverify)
file(GLOB VV_NGINX_SNIPPETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/nginx/snippets/*.conf)
install(FILES ${VV_NGINX_SNIPPETS} DESTINATION /etc/nginx/snippets COMPONENT etc EXCLUDE_FROM_ALL)
foreach(snippet IN LISTS VV_NGINX_SNIPPETS)
  get_filename_component(name ${snippet} NAME)
  list(APPEND VV_CONFFILES /etc/nginx/snippets/${name})
endforeach()

# The control files: conffiles from the list above; the maintainer scripts from packaging/debian/.
set(VV_DEB_CONTROL ${CMAKE_BINARY_DIR}/deb-control)
list(JOIN VV_CONFFILES "\n" VV_CONFFILES_TEXT)
file(WRITE ${VV_DEB_CONTROL}/conffiles "${VV_CONFFILES_TEXT}\n")
foreach(script postinst postrm)
  file(COPY ${CMAKE_SOURCE_DIR}/packaging/debian/${script} DESTINATION ${VV_DEB_CONTROL}
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                        WORLD_READ WORLD_EXECUTE)
endforeach()

# Debian's copyright and changelog (lintian requires both) and the manual page, compressed with -9
# and no timestamp, as dpkg's tools leave them.
set(VV_GZIPPED)
foreach(pair "packaging/debian/changelog:deb-doc/changelog.gz" "packaging/voiceverify.8:deb-man/voiceverify.8.gz")
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 from)
  list(GET pair 1 to)
  get_filename_component(folder ${CMAKE_BINARY_DIR}/${to} DIRECTORY)
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/${to}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${folder}
    COMMAND gzip -9 -n -c ${CMAKE_SOURCE_DIR}/${from} > ${CMAKE_BINARY_DIR}/${to}
    DEPENDS ${CMAKE_SOURCE_DIR}/${from}
    COMMENT "Compressing ${from}")
  list(APPEND VV_GZIPPED ${CMAKE_BINARY_DIR}/${to})
endforeach()
add_custom_target(deb_gzipped ALL DEPENDS ${VV_GZIPPED})
install(FILES packaging/debian/copyright ${CMAKE_BINARY_DIR}/deb-doc/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT runtime)
install(FILES ${CMAKE_BINARY_DIR}/deb-man/voiceverify.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8
        COMPONENT runtime)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME voiceverify)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The voiceverify developers")
set(CPACK_PACKAGE_CONTACT "voiceverify developers <voiceverify@example.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "phone number verification by voice call")
set(CPACK_PACKAGE_DESCRIPTION
    "A web application that proves a visitor holds a phone number:
MessageBird's Verify API calls the number and speaks a one-time code,
which the visitor types in. It runs as a FastCGI worker pool behind
nginx, socket-activated by systemd, with per-number, per-address and
site-wide limits, and an optional Redis shared by several pools.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # voiceverify_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://verify.example.com/")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: from the libraries the binary links
set(CPACK_DEBIAN_PACKAGE_DEPENDS "openssl")  # and the postinst's key generation
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "redis-server")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${VV_DEB_CONTROL}/conffiles ${VV_DEB_CONTROL}/postinst ${VV_DEB_CONTROL}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# One package with both components.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL runtime etc)
include(CPack)
