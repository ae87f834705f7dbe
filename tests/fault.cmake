# Fault-injection harness (fault_*): a loopback proxy of our own that drops,
# delays, duplicates and reorders requests; a SQLite VFS that loses unsynced
# writes; kill -9 and named failpoints at every commit and acknowledgement
# boundary.  Short mode by default; LINLI_SOAK=1 in the environment for the soak
# (set it when configuring too, so that CTest allows the soak its hours).
if("$ENV{LINLI_SOAK}" STREQUAL "1")
  set(fault_timeout 36000)
else()
  set(fault_timeout 900)
endif()
if(TARGET linli-node AND TARGET linli-hub)
  add_executable(fault_proxy ${CMAKE_CURRENT_SOURCE_DIR}/fault/proxy.c)
  target_link_libraries(fault_proxy PRIVATE Threads::Threads)
  foreach(t kill proxy outage failpoints)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/fault_${t}.sh)
      add_test(NAME fault_${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fault_${t}.sh)
      set_tests_properties(fault_${t} PROPERTIES
        ENVIRONMENT "BIN=${PROJECT_BINARY_DIR};PROXY=$<TARGET_FILE:fault_proxy>;LINLI_FAILPOINTS_BUILT=${LINLI_FAILPOINTS}"
        TIMEOUT ${fault_timeout} LABELS fault)
    endif()
  endforeach()
endif()
if(TARGET linli_hub AND TARGET linli_node AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/fault/crashvfs.c)
  add_executable(fault_crashvfs ${CMAKE_CURRENT_SOURCE_DIR}/fault/crashvfs.c
                                ${CMAKE_CURRENT_SOURCE_DIR}/fault_crashvfs.c)
  target_include_directories(fault_crashvfs PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fault)
  target_link_libraries(fault_crashvfs PRIVATE hub_testlib linli_node linli_proto_fixtures
                        PkgConfig::SQLITE PkgConfig::CMOCKA)
  add_test(NAME fault_crashvfs COMMAND fault_crashvfs)
  set_tests_properties(fault_crashvfs PROPERTIES TIMEOUT ${fault_timeout} LABELS fault ENVIRONMENT "LINLI_LOG=error")
endif()
