# Review and decisions at the hubs (issue 5): end-to-end scripts with real
# processes (tests/review_*.sh, using tests/e2e/lib.sh) and a feed decoder the
# scripts use to check what a node receives, verified with the protocol library.
if(TARGET linli_hub AND TARGET linli-hub)
  add_executable(review_feedcheck ${CMAKE_CURRENT_SOURCE_DIR}/review_feedcheck.c)
  target_link_libraries(review_feedcheck PRIVATE linli_hub linli_common linli_protocol)
  if(TARGET linli-node)
    file(GLOB REVIEW_SCRIPTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/review_*.sh)
    foreach(script ${REVIEW_SCRIPTS})
      get_filename_component(name ${script} NAME_WE)
      add_test(NAME ${name} COMMAND bash ${script})
      set_tests_properties(${name} PROPERTIES
        ENVIRONMENT "BIN=${PROJECT_BINARY_DIR};FEEDCHECK=$<TARGET_FILE:review_feedcheck>"
        TIMEOUT 180 LABELS review)
    endforeach()
  endif()
  if(TARGET hub_testlib)
    add_executable(review_unit ${CMAKE_CURRENT_SOURCE_DIR}/review_unit.c)
    target_link_libraries(review_unit PRIVATE hub_testlib PkgConfig::CMOCKA)
    add_test(NAME review_unit COMMAND review_unit)
    set_tests_properties(review_unit PROPERTIES TIMEOUT 60 LABELS review)
  endif()
endif()
