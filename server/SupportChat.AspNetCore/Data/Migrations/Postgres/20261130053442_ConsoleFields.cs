using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupportChat.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ConsoleFields : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AssigneeId",
                table: "Groups",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PageUrl",
                table: "Groups",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VisitorLanguage",
                table: "Groups",
                type: "character varying(35)",
                maxLength: 35,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VisitorTimeZone",
                table: "Groups",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AssigneeId",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "PageUrl",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "VisitorLanguage",
                table: "Groups");

            migrationBuilder.DropColumn(
                name: "VisitorTimeZone",
                table: "Groups");
        }
    }
}
