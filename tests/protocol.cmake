# Protocol library tests (protocol_*), the fixtures they share with the vector
# generator, and the generator itself (make_vectors: run by hand, output checked in).
add_library(linli_proto_fixtures STATIC ${CMAKE_CURRENT_SOURCE_DIR}/protocol_fixtures.c)
target_link_libraries(linli_proto_fixtures PUBLIC linli_protocol)
target_compile_definitions(linli_proto_fixtures PUBLIC
  LINLI_VECTORS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/vectors")

add_executable(make_vectors ${CMAKE_CURRENT_SOURCE_DIR}/make_vectors.c)
target_link_libraries(make_vectors PRIVATE linli_proto_fixtures)

foreach(t keys entry changeset bundle receipt request feed vectors seal)
  add_executable(protocol_${t} ${CMAKE_CURRENT_SOURCE_DIR}/protocol_${t}.c)
  target_link_libraries(protocol_${t} PRIVATE linli_proto_fixtures PkgConfig::CMOCKA)
  add_test(NAME protocol_${t} COMMAND protocol_${t})
  set_tests_properties(protocol_${t} PROPERTIES TIMEOUT 60 LABELS protocol)
endforeach()
