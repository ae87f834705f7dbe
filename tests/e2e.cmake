# End-to-end tests: real linli-node and linli-hub processes talking HTTP on loopback.
file(GLOB E2E_SCRIPTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/e2e/*.sh)
list(REMOVE_ITEM E2E_SCRIPTS ${CMAKE_CURRENT_SOURCE_DIR}/e2e/lib.sh)
if(TARGET linli-node AND TARGET linli-hub)
  foreach(script ${E2E_SCRIPTS})
    get_filename_component(name ${script} NAME_WE)
    add_test(NAME e2e_${name} COMMAND bash ${script})
    set_tests_properties(e2e_${name} PROPERTIES
      ENVIRONMENT "BIN=${PROJECT_BINARY_DIR}"
      TIMEOUT 180 LABELS e2e)
  endforeach()
endif()
# The attachment check also sends a file through the fault harness's cutting proxy.
if(TARGET fault_proxy AND TEST e2e_attach_check)
  set_property(TEST e2e_attach_check APPEND PROPERTY ENVIRONMENT "PROXY=$<TARGET_FILE:fault_proxy>")
endif()
