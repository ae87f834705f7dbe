# Tests of the community node (node/*.c except the web page): cmocka unit tests
# against the library, a fake hub inside the sync test, and shell tests that run
# the real linli-node binary (every command and refusal, SIGKILL during writes).
if(TARGET linli_node)
  foreach(t proj sync review)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/node_${t}.c)
      add_executable(node_${t} ${CMAKE_CURRENT_SOURCE_DIR}/node_${t}.c)
      target_link_libraries(node_${t} PRIVATE linli_node PkgConfig::CMOCKA)
      add_test(NAME node_${t} COMMAND node_${t})
      set_tests_properties(node_${t} PROPERTIES TIMEOUT 120 LABELS node)
    endif()
  endforeach()
endif()
if(TARGET linli-node)
  foreach(t cli kill)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/node_${t}.sh)
      add_test(NAME node_${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/node_${t}.sh
                                      $<TARGET_FILE:linli-node>)
      set_tests_properties(node_${t} PROPERTIES TIMEOUT 120 LABELS node
                           ENVIRONMENT "LINLI_FAILPOINTS_BUILT=${LINLI_FAILPOINTS}")
    endif()
  endforeach()
endif()
