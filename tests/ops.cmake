# Operations (installing and running for years): backup and restore, keys, USB both
# ways, --version, packages.  End-to-end scripts tests/ops_*.sh with real processes.
if(TARGET linli-hub AND TARGET linli-node)
  file(GLOB OPS_SCRIPTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/ops_*.sh)
  foreach(script ${OPS_SCRIPTS})
    get_filename_component(name ${script} NAME_WE)
    add_test(NAME ${name} COMMAND bash ${script})
    set_tests_properties(${name} PROPERTIES
      ENVIRONMENT "BIN=${PROJECT_BINARY_DIR};SRC=${PROJECT_SOURCE_DIR}"
      TIMEOUT 300 LABELS ops)
  endforeach()
endif()
# The .deb, inspected without installing (tests/pkg/deb-check.sh); the fresh-root
# install/purge is tests/pkg/fresh-root-check.sh, run by CI as root in a Debian 12 root.
find_program(LINLI_DPKG_DEB dpkg-deb)
if(LINLI_DPKG_DEB AND TARGET linli-hub AND TARGET linli-node)
  add_test(NAME pkg_deb COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/pkg/deb-check.sh)
  set_tests_properties(pkg_deb PROPERTIES ENVIRONMENT "BIN=${PROJECT_BINARY_DIR}"
                       TIMEOUT 300 LABELS "ops;pkg")
endif()
