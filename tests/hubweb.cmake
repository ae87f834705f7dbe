# Tests of the hub's operator pages (hubweb_*): a cmocka test of accounts,
# sessions, lock-out, roles and the page framework; and tests that run
# `linli-hub serve` on a free loopback port against hubs with real pending
# batches (tests/hubweb_fixture.c), over raw HTTP and in Debian's headless
# Chromium driven by playwright-core (pinned in tests/hubweb/package-lock.json).
include(${PROJECT_SOURCE_DIR}/hub/assets/embed.cmake)

if(TARGET linli_hub AND TARGET hub_testlib)
  add_executable(hubweb_auth ${CMAKE_CURRENT_SOURCE_DIR}/hubweb_auth.c)
  target_link_libraries(hubweb_auth PRIVATE hub_testlib PkgConfig::CMOCKA)
  add_test(NAME hubweb_auth COMMAND hubweb_auth)
  set_tests_properties(hubweb_auth PROPERTIES TIMEOUT 120 LABELS hubweb
                       ENVIRONMENT "LINLI_LOG=error")

  add_executable(hubweb_fixture ${CMAKE_CURRENT_SOURCE_DIR}/hubweb_fixture.c)
  target_link_libraries(hubweb_fixture PRIVATE hub_testlib)
endif()

find_program(LINLI_NODEJS NAMES node nodejs)
find_program(LINLI_NPM npm)
find_program(LINLI_CHROMIUM NAMES chromium chromium-browser)
if(TARGET linli-hub AND TARGET hubweb_fixture AND LINLI_NODEJS)
  set(HUBWEB_NPM_DIR ${CMAKE_CURRENT_BINARY_DIR}/hubweb-npm)
  set(HUBWEB_ENV
      "LINLI_HUB_BIN=$<TARGET_FILE:linli-hub>"
      "LINLI_HUBWEB_FIXTURE=$<TARGET_FILE:hubweb_fixture>"
      "LINLI_WEB_MODULES=${HUBWEB_NPM_DIR}/node_modules"
      "LINLI_CHROMIUM=${LINLI_CHROMIUM}"
      "LINLI_HUBWEB_OUT=${CMAKE_CURRENT_BINARY_DIR}/hubweb-out"
      "LINLI_LOG=warn")

  # Raw-HTTP tests (no browser): hubweb_security, hubweb_pages.
  foreach(name security pages)
    add_test(NAME hubweb_${name}
             COMMAND ${LINLI_NODEJS} --test ${CMAKE_CURRENT_SOURCE_DIR}/hubweb/${name}.test.js)
    set_tests_properties(hubweb_${name} PROPERTIES ENVIRONMENT "${HUBWEB_ENV}" TIMEOUT 180
                         LABELS hubweb)
  endforeach()

  if(LINLI_NPM AND LINLI_CHROMIUM)
    # npm ci once per build tree, as a fixture, into the build directory (the
    # node page's tests use the same script).
    add_test(NAME hubweb_npm_ci
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/web/npm-ci.sh
                     ${CMAKE_CURRENT_SOURCE_DIR}/hubweb ${HUBWEB_NPM_DIR})
    set_tests_properties(hubweb_npm_ci PROPERTIES FIXTURES_SETUP hubweb_npm TIMEOUT 300
                         LABELS hubweb)
    file(GLOB HUBWEB_BROWSER_TESTS CONFIGURE_DEPENDS
         ${CMAKE_CURRENT_SOURCE_DIR}/hubweb/browser_*.test.js)
    foreach(script ${HUBWEB_BROWSER_TESTS})
      get_filename_component(name ${script} NAME)
      string(REGEX REPLACE "\\.test\\.js$" "" name ${name})
      add_test(NAME hubweb_${name} COMMAND ${LINLI_NODEJS} --test ${script})
      set_tests_properties(hubweb_${name} PROPERTIES ENVIRONMENT "${HUBWEB_ENV}"
                           FIXTURES_REQUIRED hubweb_npm TIMEOUT 180 LABELS hubweb)
    endforeach()
  endif()
endif()
