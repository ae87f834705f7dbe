# Hub core tests (hub_*): storage, ingest, projection, enrolment, feed, forward
# state and the command line, against real hub directories under TMPDIR.
if(TARGET linli_hub)
  add_library(hub_testlib STATIC ${CMAKE_CURRENT_SOURCE_DIR}/hub_testlib.c)
  target_link_libraries(hub_testlib PUBLIC linli_hub linli_common linli_protocol)
  target_include_directories(hub_testlib PUBLIC ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})

  foreach(t ingest district rebuild cli reportbody property rows)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/hub_${t}.c)
      add_executable(hub_${t} ${CMAKE_CURRENT_SOURCE_DIR}/hub_${t}.c)
      target_link_libraries(hub_${t} PRIVATE hub_testlib linli_proto_fixtures PkgConfig::CMOCKA)
      add_test(NAME hub_${t} COMMAND hub_${t})
      set_tests_properties(hub_${t} PROPERTIES TIMEOUT 120 LABELS hub
                           ENVIRONMENT "LINLI_LOG=error")
    endif()
  endforeach()
  # The property test checks every answer at three hubs after each of ~190 steps,
  # writing through three real `linli-hub serve` processes and reading every
  # answer and CSV file over HTTP at every tenth step: 30-60 s alone on a loaded
  # machine (twice the in-process version), several times that under the sanitizers.
  if(TARGET hub_property AND TARGET linli-hub)
    set_tests_properties(hub_property PROPERTIES TIMEOUT 400)
    target_sources(hub_property PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/hub_live.c)
    target_link_libraries(hub_property PRIVATE PkgConfig::CURL)
    target_compile_definitions(hub_property PRIVATE LINLI_HUB_BIN="$<TARGET_FILE:linli-hub>")
    add_dependencies(hub_property linli-hub)
  endif()
  if(TARGET hub_cli AND TARGET linli-hub)
    target_compile_definitions(hub_cli PRIVATE LINLI_HUB_BIN="$<TARGET_FILE:linli-hub>")
    add_dependencies(hub_cli linli-hub)
  endif()
endif()
