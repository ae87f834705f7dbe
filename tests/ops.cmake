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
