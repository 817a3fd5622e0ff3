from harness.markdown import table


def test_table_writes_a_header_a_separator_and_one_line_per_row() -> None:
    assert table(["a", "b"], [[1, None], ["x", 2.5]]) == (
        "| a | b |\n| --- | --- |\n| 1 | None |\n| x | 2.5 |"
    )


def test_a_pipe_or_a_line_break_in_a_cell_does_not_break_the_table() -> None:
    text = table(["message"], [["a | b\nc"]])
    assert text.splitlines()[-1] == "| a \\| b c |"
    assert table(["only a header"], []) == "| only a header |\n| --- |"
