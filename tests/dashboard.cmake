# Tests of the district dashboard (dashboard_*): a cmocka test of its figures
# and CSV on a hub filled through the real ingest path; a headless Chromium
# test of the pages against a small district brought up on loopback by the
# real programs (figures on the page = figures by SQL, English switch, CSV);
# and the README's demo with --check (label demo).  The browser test borrows
# the staff-page tests' pinned playwright-core (tests/web, fixture web_npm).
if(TARGET linli_hub AND TARGET hub_testlib AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/dashboard_api.c)
  add_executable(dashboard_api ${CMAKE_CURRENT_SOURCE_DIR}/dashboard_api.c
                               ${PROJECT_SOURCE_DIR}/bench/gen/gen_hub.c)
  target_link_libraries(dashboard_api PRIVATE hub_testlib PkgConfig::CMOCKA)
  add_test(NAME dashboard_api COMMAND dashboard_api)
  set_tests_properties(dashboard_api PROPERTIES TIMEOUT 60 LABELS dashboard ENVIRONMENT "LINLI_LOG=error")

  # The date-dependent figures at fixed dates (month ends, the due day, the year's end).
  add_executable(dashboard_dates ${CMAKE_CURRENT_SOURCE_DIR}/dashboard_dates.c)
  target_link_libraries(dashboard_dates PRIVATE hub_testlib PkgConfig::CMOCKA)
  add_test(NAME dashboard_dates COMMAND dashboard_dates)
  set_tests_properties(dashboard_dates PROPERTIES TIMEOUT 60 LABELS dashboard ENVIRONMENT "LINLI_LOG=error")

  # Answers kept in the database: given again after a restart, never stale
  # after another process (the real CLI) wrote.
  if(TARGET linli-hub)
    add_executable(dashboard_kept ${CMAKE_CURRENT_SOURCE_DIR}/dashboard_kept.c
                                  ${PROJECT_SOURCE_DIR}/bench/gen/gen_hub.c)
    target_link_libraries(dashboard_kept PRIVATE hub_testlib PkgConfig::CMOCKA)
    add_test(NAME dashboard_kept COMMAND dashboard_kept)
    set_tests_properties(dashboard_kept PROPERTIES TIMEOUT 60 LABELS dashboard
      ENVIRONMENT "LINLI_LOG=error;LINLI_HUB_BIN=$<TARGET_FILE:linli-hub>")
  endif()
endif()

find_program(LINLI_NODEJS NAMES node nodejs)
find_program(LINLI_CHROMIUM NAMES chromium chromium-browser)
find_program(LINLI_PYTHON3 python3)
find_program(LINLI_SQLITE3 sqlite3)
if(TARGET linli-hub AND TARGET linli-node AND LINLI_NODEJS AND LINLI_CHROMIUM AND LINLI_PYTHON3
   AND LINLI_SQLITE3 AND TEST web_npm_ci)
  add_test(NAME dashboard_browser
           COMMAND ${LINLI_NODEJS} --test ${CMAKE_CURRENT_SOURCE_DIR}/dashboard/browser.test.js)
  set_tests_properties(dashboard_browser PROPERTIES
    ENVIRONMENT "LINLI_HUB_BIN=$<TARGET_FILE:linli-hub>;LINLI_NODE_BIN=$<TARGET_FILE:linli-node>;LINLI_WEB_MODULES=${CMAKE_CURRENT_BINARY_DIR}/web-npm/node_modules;LINLI_CHROMIUM=${LINLI_CHROMIUM};LINLI_LOG=warn"
    FIXTURES_REQUIRED web_npm TIMEOUT 180 LABELS "dashboard;web")
  # Hovering a chart: the tooltip appears and no Content Security Policy rule
  # is broken.
  add_test(NAME dashboard_chart_hover
           COMMAND ${LINLI_NODEJS} --test ${CMAKE_CURRENT_SOURCE_DIR}/dashboard/chart_hover.test.js)
  set_tests_properties(dashboard_chart_hover PROPERTIES
    ENVIRONMENT "LINLI_HUB_BIN=$<TARGET_FILE:linli-hub>;LINLI_NODE_BIN=$<TARGET_FILE:linli-node>;LINLI_WEB_MODULES=${CMAKE_CURRENT_BINARY_DIR}/web-npm/node_modules;LINLI_CHROMIUM=${LINLI_CHROMIUM};LINLI_LOG=warn"
    FIXTURES_REQUIRED web_npm TIMEOUT 180 LABELS "dashboard;web")
  # An answer given from its last computation while the hub computes it
  # again: each section says so, then shows the new figures.
  add_test(NAME dashboard_behind
           COMMAND ${LINLI_NODEJS} --test ${CMAKE_CURRENT_SOURCE_DIR}/dashboard/behind.test.js)
  set_tests_properties(dashboard_behind PROPERTIES
    ENVIRONMENT "LINLI_HUB_BIN=$<TARGET_FILE:linli-hub>;LINLI_NODE_BIN=$<TARGET_FILE:linli-node>;LINLI_WEB_MODULES=${CMAKE_CURRENT_BINARY_DIR}/web-npm/node_modules;LINLI_CHROMIUM=${LINLI_CHROMIUM};LINLI_LOG=warn;LINLI_WEB_OUT=${CMAKE_CURRENT_BINARY_DIR}/web-out"
    FIXTURES_REQUIRED web_npm TIMEOUT 180 LABELS "dashboard;web")
  # The dashboard at 1024x768 as people use it: the first screen, tables that
  # sort and page, the organisation page, a street's view, the menus, and the
  # Excel files read back with openpyxl against their CSV.
  add_test(NAME dashboard_overview
           COMMAND ${LINLI_NODEJS} --test ${CMAKE_CURRENT_SOURCE_DIR}/dashboard/overview.test.js)
  set_tests_properties(dashboard_overview PROPERTIES
    ENVIRONMENT "LINLI_HUB_BIN=$<TARGET_FILE:linli-hub>;LINLI_NODE_BIN=$<TARGET_FILE:linli-node>;LINLI_WEB_MODULES=${CMAKE_CURRENT_BINARY_DIR}/web-npm/node_modules;LINLI_CHROMIUM=${LINLI_CHROMIUM};LINLI_LOG=warn;LINLI_WEB_OUT=${CMAKE_CURRENT_BINARY_DIR}/web-out"
    FIXTURES_REQUIRED web_npm TIMEOUT 300 LABELS "dashboard;web")
  # Tables too long to read whole (a city's), read by pages as the reader turns them.
  add_test(NAME dashboard_paged
           COMMAND ${LINLI_NODEJS} --test ${CMAKE_CURRENT_SOURCE_DIR}/dashboard/paged.test.js)
  set_tests_properties(dashboard_paged PROPERTIES
    ENVIRONMENT "LINLI_HUB_BIN=$<TARGET_FILE:linli-hub>;LINLI_NODE_BIN=$<TARGET_FILE:linli-node>;LINLI_WEB_MODULES=${CMAKE_CURRENT_BINARY_DIR}/web-npm/node_modules;LINLI_CHROMIUM=${LINLI_CHROMIUM};LINLI_LOG=warn;LINLI_WEB_OUT=${CMAKE_CURRENT_BINARY_DIR}/web-out"
    FIXTURES_REQUIRED web_npm TIMEOUT 300 LABELS "dashboard;web")
  # Every page reachable by links, at each level, read for machine output,
  # Traditional characters, English and width.
  add_test(NAME web_crawler
           COMMAND ${LINLI_NODEJS} --test ${CMAKE_CURRENT_SOURCE_DIR}/dashboard/crawler.test.js)
  set_tests_properties(web_crawler PROPERTIES
    ENVIRONMENT "LINLI_HUB_BIN=$<TARGET_FILE:linli-hub>;LINLI_NODE_BIN=$<TARGET_FILE:linli-node>;LINLI_WEB_MODULES=${CMAKE_CURRENT_BINARY_DIR}/web-npm/node_modules;LINLI_CHROMIUM=${LINLI_CHROMIUM};LINLI_LOG=warn;LINLI_WEB_OUT=${CMAKE_CURRENT_BINARY_DIR}/web-out"
    FIXTURES_REQUIRED web_npm TIMEOUT 450 LABELS "dashboard;web")
endif()

if(TARGET linli-hub AND TARGET linli-node AND LINLI_PYTHON3)
  # The README's main command, unattended: a district, three streets, ten
  # communities, then the district's figures against what the nodes wrote.
  add_test(NAME dashboard_demo COMMAND bash ${PROJECT_SOURCE_DIR}/demo.sh --check)
  set_tests_properties(dashboard_demo PROPERTIES
    ENVIRONMENT "LINLI_DEMO_BIN=${CMAKE_BINARY_DIR};LINLI_LOG=warn"
    TIMEOUT 300 LABELS demo)
endif()
