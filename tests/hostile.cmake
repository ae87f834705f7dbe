# A hostile network: slow and greedy clients, listen refusals, forks seen while
# forwarding, enrolment limits, lock-out, terminal sanitising.  Real processes
# on loopback; another loopback address (127.0.0.2) stands for another machine.
if(TARGET linli-hub AND TARGET linli-node)
  file(GLOB HOSTILE_SCRIPTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/hostile/hostile_*.sh)
  foreach(script ${HOSTILE_SCRIPTS})
    get_filename_component(name ${script} NAME_WE)
    add_test(NAME ${name} COMMAND bash ${script})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "BIN=${PROJECT_BINARY_DIR}"
                         TIMEOUT 180 LABELS hostile)
  endforeach()
endif()
if(TARGET linli_common)
  add_executable(enrol_flood ${CMAKE_CURRENT_SOURCE_DIR}/hostile/enrol_flood.c)
  target_link_libraries(enrol_flood PRIVATE linli_common linli_protocol)
  set_property(TEST hostile_enrol APPEND PROPERTY ENVIRONMENT "FLOOD=$<TARGET_FILE:enrol_flood>")
endif()
