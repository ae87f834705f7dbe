# Hub HTTP API, forward loop and serve (hub_api_*): through the real HTTP server,
# started in-process on 127.0.0.1 port 0; the forward test also runs one round in
# a child process so that a failpoint can kill it.
if(TARGET linli_hub)
  add_library(hub_api_util STATIC ${CMAKE_CURRENT_SOURCE_DIR}/hub_api_util.c)
  target_link_libraries(hub_api_util PUBLIC linli_hub linli_common linli_protocol)

  add_executable(hub_api_fwd_tool ${CMAKE_CURRENT_SOURCE_DIR}/hub_api_fwd_tool.c)
  target_link_libraries(hub_api_fwd_tool PRIVATE linli_hub)

  foreach(t http tls forward hostile)
    add_executable(hub_api_${t} ${CMAKE_CURRENT_SOURCE_DIR}/hub_api_${t}.c)
    target_link_libraries(hub_api_${t} PRIVATE hub_api_util PkgConfig::CMOCKA)
    add_test(NAME hub_api_${t} COMMAND hub_api_${t})
    set_tests_properties(hub_api_${t} PROPERTIES TIMEOUT 120 LABELS hub_api
                         ENVIRONMENT "LINLI_LOG=warn")
  endforeach()
  # Who may write a decision: a hostile street hub at a district.
  add_executable(decision_hostile ${CMAKE_CURRENT_SOURCE_DIR}/decision_hostile.c)
  target_link_libraries(decision_hostile PRIVATE hub_api_util PkgConfig::CMOCKA)
  add_test(NAME decision_hostile COMMAND decision_hostile)
  set_tests_properties(decision_hostile PROPERTIES TIMEOUT 120 LABELS hub_api
                       ENVIRONMENT "LINLI_LOG=warn")
  # The hostile test measures what its bodies take in hub.db.
  target_link_libraries(hub_api_hostile PRIVATE PkgConfig::SQLITE)
  # The tampered/bomb cases read the checked-in protocol vectors.
  target_link_libraries(hub_api_http PRIVATE linli_proto_fixtures)
  target_compile_definitions(hub_api_forward PRIVATE
    HUB_API_FWD_TOOL="$<TARGET_FILE:hub_api_fwd_tool>")
  add_dependencies(hub_api_forward hub_api_fwd_tool)
endif()

# serve as a process: first stdout line, signals, --cert/--key.
if(TARGET linli-hub)
  add_test(NAME hub_api_serve COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/hub_api_serve.sh)
  set_tests_properties(hub_api_serve PROPERTIES TIMEOUT 60 LABELS hub_api
                       ENVIRONMENT "HUB=$<TARGET_FILE:linli-hub>;LINLI_LOG=warn")
endif()
