# dashboard.cmake - the dashboard benchmark (bench/dashboard_api.c, target
# dashboard_api_bench) and the data generator it shares with the dashboard's
# tests (bench/gen/gen_hub.c).  Included from bench/CMakeLists.txt.
if(TARGET linli_hub AND TARGET hub_testlib)
  add_executable(dashboard_api_bench ${CMAKE_CURRENT_LIST_DIR}/dashboard_api.c
                                     ${CMAKE_CURRENT_LIST_DIR}/gen/gen_hub.c)
  target_link_libraries(dashboard_api_bench PRIVATE hub_testlib)
endif()
if(TARGET dashboard_api_bench)
  # bench/CMakeLists.txt's `bench` target builds it with the others.
  list(APPEND bench_deps dashboard_api_bench)
endif()
