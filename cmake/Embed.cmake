# Build-time code generation: the compiled-in country table (from Debian's
# iso-codes) and the migrations embedded into the library.

set(CUSTMGMT_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

# custmgmt_generate_countries(<iso-codes json dir> <output .cpp>)
function(custmgmt_generate_countries iso_dir out)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DISO_DIR=${iso_dir} -DOUT=${out}
            -P ${CUSTMGMT_CMAKE_DIR}/GenerateCountries.cmake
    DEPENDS ${iso_dir}/iso_3166-1.json ${iso_dir}/iso_3166-2.json
            ${CUSTMGMT_CMAKE_DIR}/GenerateCountries.cmake
    COMMENT "Generating country table from iso-codes"
    VERBATIM)
endfunction()

# custmgmt_embed_migrations(<backend> <dir with NNNN_name.up.sql/.down.sql> <output .cpp>)
function(custmgmt_embed_migrations backend dir out)
  file(GLOB sql_files CONFIGURE_DEPENDS ${dir}/*.sql)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DBACKEND=${backend} -DDIR=${dir} -DOUT=${out}
            -P ${CUSTMGMT_CMAKE_DIR}/EmbedMigrations.cmake
    DEPENDS ${sql_files} ${CUSTMGMT_CMAKE_DIR}/EmbedMigrations.cmake
    COMMENT "Embedding ${backend} migrations"
    VERBATIM)
endfunction()
